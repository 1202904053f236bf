using System.CommandLine;
using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.Audio.Torch;
using AudioMix.Separation;
using AudioMix.Separation.Models;

namespace AudioMix.Cli.Commands;

/// <summary>
/// <c>audiomix separate FILE --method hpss|repet-sim|midside|model:PATH --out DIR [--device auto] [--stems a,b]</c>:
/// writes one WAV per stem (<c>DIR/&lt;stem&gt;.wav</c>, float32). The file is read and separated block by block, so
/// hour-long recordings fit in bounded memory; the input is never overwritten.
/// </summary>
internal static class SeparateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "Audio file (WAV natively; MP3, FLAC, Ogg/Opus, M4A through ffmpeg)." };
        file.AcceptExistingOnly();
        var method = new Option<string>("--method") { Description = "hpss (percussive/harmonic), repet-sim (vocals/accompaniment), midside (centre/sides, stereo only) or model:PATH (a TorchScript separator).", DefaultValueFactory = _ => "hpss" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the stem WAVs (created if missing).", Required = true };
        var device = new Option<string>("--device") { Description = "Torch device: cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "auto" };
        var stems = new Option<string?>("--stems") { Description = "For model:PATH, the model's stem names in order, comma-separated (default: the model's stems.txt, else stem0, stem1, …)." };
        var command = new Command("separate", "Split a file into stems (drums/harmonic, vocals/accompaniment, centre/sides, or a TorchScript model's).") { file, method, output, device, stems };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var input = parse.GetValue(file)!.FullName;
            var folder = parse.GetValue(output)!.FullName;
            var torchDevice = TorchRuntime.ResolveDevice(parse.GetValue(device));
            var methodText = parse.GetValue(method)!;
            var names = parse.GetValue(stems);
            using var separator = methodText.StartsWith("model:", StringComparison.Ordinal) && names is not null
                ? SeparatorFactory.Model(methodText["model:".Length..], new TorchScriptOptions(StemNames: names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)), torchDevice)
                : SeparatorFactory.Create(methodText, torchDevice);

            var written = Separate(separator, input, folder, cancellationToken);
            var inv = CultureInfo.InvariantCulture;
            foreach (var (stem, path, seconds) in written)
            {
                console.Out.WriteLine(string.Create(inv, $"{stem,-14} {path} ({seconds:0.00} s)"));
            }

            return 0;
        })));
        return command;
    }

    /// <summary>Streams <paramref name="input"/> through the separator into <c>folder/&lt;stem&gt;.wav</c> files.</summary>
    internal static List<(string Stem, string Path, double Seconds)> Separate(ISeparator separator, string input, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var writers = new Dictionary<string, (WavWriter Writer, string Path, long Frames, int Rate)>(StringComparer.Ordinal);
        var inputPath = Path.GetFullPath(input);
        foreach (var stem in separator.StemNames)
        {
            // Checked before reading starts (and again per stem below, for models that name stems only when run).
            if (string.Equals(Path.GetFullPath(Path.Combine(folder, stem + ".wav")), inputPath, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The stem '{stem}' would be written over the input file {input}; choose another --out folder.");
            }
        }

        try
        {
            separator.Separate(AudioBlocks.Read(input, AudioBlocks.DefaultBlockFrames, cancellationToken), (stem, block) =>
            {
                if (!writers.TryGetValue(stem, out var entry))
                {
                    var path = Path.GetFullPath(Path.Combine(folder, stem + ".wav"));
                    if (string.Equals(path, inputPath, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"The stem '{stem}' would be written over the input file {input}; choose another --out folder.");
                    }

                    entry = (WavWriter.Create(path, block.SampleRate, block.ChannelCount, WavSampleFormat.Float32), path, 0, block.SampleRate);
                }

                entry.Writer.Write(block);
                writers[stem] = entry with { Frames = entry.Frames + block.Frames };
            }, cancellationToken);
        }
        finally
        {
            foreach (var entry in writers.Values)
            {
                entry.Writer.Dispose();
            }
        }

        return [.. separator.StemNames.Where(writers.ContainsKey).Select(s => (s, writers[s].Path, (double)writers[s].Frames / writers[s].Rate))];
    }
}
