using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Torch;
using AudioMix.Models;
using AudioMix.Separation;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Cli.Commands;

/// <summary>
/// <c>audiomix segment FILE [--separator two-stage-hpss|hpss|repet-sim|none] [--detector rms|silero] [--json]</c>: where
/// a file has voice. The separator isolates the vocals first (<c>none</c> runs the detector on the file itself); the
/// detector is Silero VAD (the pinned model, default when installed) or RMS-VAD. Segments are padded but not merged into
/// ASR chunks; <c>--json</c> prints <c>{"segments": [{"start": s, "end": s}], "detector": "…", "separator": "…"}</c>.
/// </summary>
internal static class SegmentCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "Audio file (WAV natively; MP3, FLAC, Ogg/Opus, M4A through ffmpeg)." };
        file.AcceptExistingOnly();
        var separatorOption = new Option<string>("--separator") { Description = "Vocal separator run first: two-stage-hpss (default), hpss, repet-sim, htdemucs (learned, research-only weights: infra/models/install htdemucs --accept-license research-only), or none (detect on the file itself).", DefaultValueFactory = _ => "two-stage-hpss" };
        separatorOption.AcceptOnlyFromAmong("two-stage-hpss", "hpss", "repet-sim", "htdemucs", "none");
        var detectorOption = new Option<string?>("--detector") { Description = "silero (Silero VAD v5; the default when installed with infra/models/install) or rms (RMS-VAD)." };
        detectorOption.AcceptOnlyFromAmong(SpeechDetectors.Rms, SpeechDetectors.Silero);
        var models = new Option<string?>("--models") { Description = "Models folder (default: AudioMix__Models__Path, else ~/.local/share/audiomix/models)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("segment", "Find the spans with voice (optionally after separating the vocals).") { file, separatorOption, detectorOption, models, json };
        command.SetAction(parse => console.Run(() =>
        {
            var store = new ModelStore(parse.GetValue(models) ?? ModelStoreOptions.FromEnvironment());
            var detector = parse.GetValue(detectorOption) ?? SpeechDetectors.Default(store);
            var method = parse.GetValue(separatorOption)!;
            var mixture = AudioFile.Read(parse.GetValue(file)!.FullName);

            var signal = mixture;
            if (method != "none")
            {
                using var separator = SeparatorFactory.Create(method, TorchRuntime.ResolveDevice("cpu"), store);
                signal = separator.Separate(mixture)[SeparatorFactory.VocalStem(separator)];
            }

            IReadOnlyList<VocalSegment> segments;
            string? model = null;
            if (detector == SpeechDetectors.Silero)
            {
                using var vad = SileroVad.Load(store);
                model = vad.Installed!.Reference;
                segments = new SileroSpeechDetector(vad, new SileroVadOptions(Merge: false)).Segment(signal);
            }
            else
            {
                segments = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false)).Segment(signal);
            }

            if (parse.GetValue(json))
            {
                WriteJson(console.Out, segments, detector, method, model);
                return 0;
            }

            var inv = CultureInfo.InvariantCulture;
            console.Out.WriteLine($"{segments.Count} segment(s); detector {detector}{(model is null ? "" : $" ({model})")}, separator {method}");
            foreach (var s in segments)
            {
                console.Out.WriteLine(string.Create(inv, $"{s.Start,9:0.000} – {s.End,9:0.000} s"));
            }

            return 0;
        }));
        return command;
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<VocalSegment> segments, string detector, string separator, string? model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("segments");
            foreach (var s in segments)
            {
                w.WriteStartObject();
                w.WriteNumber("start", Math.Round(s.Start, 3));
                w.WriteNumber("end", Math.Round(s.End, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("detector", detector);
            w.WriteString("separator", separator);
            if (model is not null)
            {
                w.WriteString("model", model);
            }

            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
