using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio.Codecs;
using AudioMix.Music.Beats;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix beats FILE [--json]</c>: tempo, beat and downbeat times, meter and confidence.</summary>
internal static class BeatsCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "Audio file (WAV natively; MP3, FLAC, Ogg/Opus, M4A through ffmpeg)." };
        file.AcceptExistingOnly();
        var json = new Option<bool>("--json") { Description = "Print one JSON object: tempo, beats, downbeats, meter, confidence." };
        var command = new Command("beats", "Track beats, tempo, downbeats and meter (3/4 or 4/4).") { file, json };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var path = parse.GetValue(file)!.FullName;
            var audio = AudioFile.Read(path);
            cancellationToken.ThrowIfCancellationRequested();
            using var tracker = new BeatTracker();
            var result = tracker.Analyze(audio);
            if (parse.GetValue(json))
            {
                WriteJson(console.Out, result);
            }
            else
            {
                WriteText(console.Out, path, audio.Duration, result);
            }

            return 0;
        })));
        return command;
    }

    internal static void WriteText(TextWriter output, string path, double duration, BeatAnalysis result)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"file:        {path}"));
        output.WriteLine(string.Create(inv, $"duration:    {duration:0.000} s"));
        if (result.Beats.Length == 0)
        {
            output.WriteLine("beats:       none found (silence, too short, or no periodic onsets)");
            return;
        }

        output.WriteLine(string.Create(inv, $"tempo:       {result.Tempo:0.00} BPM"));
        output.WriteLine(string.Create(inv, $"meter:       {result.Meter}/4"));
        output.WriteLine(string.Create(inv, $"beats:       {result.Beats.Length} (first {result.Beats[0]:0.000} s, last {result.Beats[^1]:0.000} s)"));
        output.WriteLine(string.Create(inv, $"downbeats:   {result.Downbeats.Length}{(result.Downbeats.Length > 0 ? $" (first {result.Downbeats[0]:0.000} s)" : "")}"));
        output.WriteLine(string.Create(inv, $"confidence:  {result.Confidence:0.00}"));
    }

    internal static void WriteJson(TextWriter output, BeatAnalysis result)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteNumber("tempo", Math.Round(result.Tempo, 3));
            WriteTimes(w, "beats", result.Beats);
            WriteTimes(w, "downbeats", result.Downbeats);
            w.WriteNumber("meter", result.Meter);
            w.WriteNumber("confidence", Math.Round(result.Confidence, 4));
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteTimes(Utf8JsonWriter w, string name, double[] times)
    {
        w.WriteStartArray(name);
        foreach (var t in times)
        {
            w.WriteNumberValue(Math.Round(t, 4));
        }

        w.WriteEndArray();
    }
}
