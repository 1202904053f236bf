using System.CommandLine;
using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Scoring;

namespace AudioMix.Cli.Commands;

/// <summary>
/// <c>audiomix score --refs A.wav B.wav --outs X.wav Y.wav [--encoder raw|torchscript:PATH] [--device cpu|cuda|auto]
/// [--seed S] [--layer L] [--json]</c>: MAPSS Perceptual Separation and Perceptual Match per source and per 20 ms frame.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create(CliConsole console)
    {
        var refs = new Option<FileInfo[]>("--refs") { Description = "Reference sources, one file each (at least 2).", Required = true, AllowMultipleArgumentsPerToken = true };
        var outs = new Option<FileInfo[]>("--outs") { Description = "Separated outputs in the same order as --refs (output i estimates reference i).", Required = true, AllowMultipleArgumentsPerToken = true };
        var encoder = new Option<string>("--encoder") { Description = "\"raw\" (320-sample frames, no weights) or \"torchscript:PATH\" (forward(waveforms, layer) -> [batch, frames, dim]).", DefaultValueFactory = _ => "raw" };
        var device = new Option<string>("--device") { Description = "Torch device: cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "auto" };
        var seed = new Option<long>("--seed") { Description = "Seed of the distortion banks' noise.", DefaultValueFactory = _ => 42 };
        var layer = new Option<int>("--layer") { Description = "Hidden state a TorchScript encoder returns (wav2vec2-large: 2).", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print {\"sources\": [{\"ps\", \"pm\", \"frames\": [{\"t\", \"ps\", \"pm\"}]}]} in --refs order, NaN as null." };
        var command = new Command("score", "MAPSS perceptual scores (PS, PM) of separated outputs against their references.")
        {
            refs, outs, encoder, device, seed, layer, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var refFiles = parse.GetValue(refs) ?? [];
            var outFiles = parse.GetValue(outs) ?? [];
            if (refFiles.Length != outFiles.Length)
            {
                throw new ArgumentException($"--refs has {refFiles.Length} files but --outs has {outFiles.Length}; output i must estimate reference i.");
            }

            if (refFiles.Length < 2)
            {
                throw new ArgumentException($"MAPSS needs at least 2 sources (got {refFiles.Length}).");
            }

            var references = refFiles.Select(Read).ToArray();
            var outputs = outFiles.Select(Read).ToArray();
            cancellationToken.ThrowIfCancellationRequested();
            using var model = MapssEncoders.Create(parse.GetValue(encoder)!, parse.GetValue(device), parse.GetValue(layer));
            var result = new MapssScorer(model, new MapssOptions { Seed = parse.GetValue(seed) }).Score(references, outputs);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(MapssJson.Build(result).ToJsonString());
            }
            else
            {
                WriteText(console.Out, refFiles, result);
            }

            return 0;
        })));
        return command;
    }

    private static AudioBuffer Read(FileInfo file) =>
        file.Exists ? AudioFile.Read(file.FullName) : throw new FileNotFoundException($"File '{file.FullName}' does not exist.", file.FullName);

    private static void WriteText(TextWriter output, FileInfo[] refFiles, MapssResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"encoder: {result.Encoder}, {result.FrameCount} frames at {MapssResult.FrameRate:0} per second"));
        for (var s = 0; s < result.Sources.Count; s++)
        {
            var scores = result.Sources[s];
            output.WriteLine(string.Create(inv, $"{refFiles[s].Name}: PS {scores.MeanPs:0.0000}  PM {scores.MeanPm:0.0000}  ({scores.ScoredFrames} scored frames)"));
        }
    }
}
