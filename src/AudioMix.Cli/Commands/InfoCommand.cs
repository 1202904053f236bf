using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio.Processing;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix info FILE [--json]</c>: format, duration, channels, rate, integrated loudness, peak.</summary>
internal static class InfoCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "Audio file (WAV natively; MP3, FLAC, Ogg/Opus, M4A through ffmpeg)." };
        file.AcceptExistingOnly();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("info", "Show an audio file's format, duration, loudness and peak.") { file, json };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var report = AudioInspector.Inspect(parse.GetValue(file)!.FullName, cancellationToken);
            if (parse.GetValue(json))
            {
                WriteJson(console.Out, report);
            }
            else
            {
                WriteText(console.Out, report);
            }

            return 0;
        })));
        return command;
    }

    private static void WriteText(TextWriter output, AudioFileReport report)
    {
        var s = report.Stream;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"file:      {report.Path}"));
        output.WriteLine(string.Create(inv, $"format:    {s.Container} ({s.Codec}{(s.BitsPerSample > 0 ? $", {s.BitsPerSample}-bit" : "")})"));
        output.WriteLine(string.Create(inv, $"duration:  {s.Duration:0.000} s ({s.Frames} frames)"));
        output.WriteLine(string.Create(inv, $"channels:  {s.Channels}"));
        output.WriteLine(string.Create(inv, $"rate:      {s.SampleRate} Hz"));
        output.WriteLine(string.Create(inv, $"loudness:  {Level(report.IntegratedLufs, "LUFS")} (integrated, ITU-R BS.1770-4)"));
        output.WriteLine(string.Create(inv, $"peak:      {Level(report.SamplePeakDbfs, "dBFS")} (sample)"));
    }

    private static string Level(double value, string unit) =>
        double.IsFinite(value) ? string.Create(CultureInfo.InvariantCulture, $"{value:0.00} {unit}") : $"-inf {unit} (silent)";

    private static void WriteJson(TextWriter output, AudioFileReport report)
    {
        var s = report.Stream;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("file", report.Path);
            w.WriteString("format", s.Container);
            w.WriteString("codec", s.Codec);
            w.WriteNumber("bitsPerSample", s.BitsPerSample);
            w.WriteNumber("duration", Math.Round(s.Duration, 6));
            w.WriteNumber("frames", s.Frames);
            w.WriteNumber("channels", s.Channels);
            w.WriteNumber("sampleRate", s.SampleRate);
            // JSON has no infinities: silence reports null loudness and peak.
            WriteFinite(w, "integratedLufs", report.IntegratedLufs);
            w.WriteNumber("samplePeak", Math.Round(report.SamplePeak, 6));
            WriteFinite(w, "samplePeakDbfs", report.SamplePeakDbfs);
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteFinite(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, 3));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
