using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.Audio.Torch;
using AudioMix.Models;
using AudioMix.Separation;
using AudioMix.Separation.Models;

namespace AudioMix.Cli.Commands;

/// <summary>
/// <c>audiomix separate FILE --method hpss|repet-sim|two-stage-hpss|midside|htdemucs|model:PATH --out DIR [--device auto] [--stems a,b] [--json]</c>:
/// writes one WAV per stem (<c>DIR/&lt;stem&gt;.wav</c>, float32). The file is read and separated block by block, so
/// hour-long recordings fit in bounded memory; the input is never overwritten. <c>--json</c> prints the method, its
/// parameters, the stems, the wall time, the real-time factor and the process's peak resident memory, so a user can
/// check what a long file costs before running a whole dataset.
/// </summary>
internal static class SeparateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "Audio file (WAV natively; MP3, FLAC, Ogg/Opus, M4A through ffmpeg)." };
        file.AcceptExistingOnly();
        var method = new Option<string>("--method") { Description = "hpss (percussive/harmonic), repet-sim or two-stage-hpss (vocals/accompaniment), midside (centre/sides, stereo only), htdemucs (HTDemucs v4: drums/bass/other/vocals/accompaniment; research-only weights, installed with infra/models/install htdemucs --accept-license research-only; AudioMix__Models__Path picks the folder) or model:PATH (a TorchScript or ONNX separator).", DefaultValueFactory = _ => "hpss" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the stem WAVs (created if missing).", Required = true };
        var device = new Option<string>("--device") { Description = "Torch device: cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "auto" };
        var stems = new Option<string?>("--stems") { Description = "For model:PATH, the model's stem names in order, comma-separated (default: the model's stems.txt, else stem0, stem1, …)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (stems, parameters, wall time, real-time factor, peak memory, CPU time) instead of text." };
        var command = new Command("separate", "Split a file into stems (drums/harmonic, vocals/accompaniment, centre/sides, or a TorchScript model's).") { file, method, output, device, stems, json };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var input = parse.GetValue(file)!.FullName;
            var folder = parse.GetValue(output)!.FullName;
            var methodText = parse.GetValue(method)!;
            var names = parse.GetValue(stems);
            using var separator = methodText == HtDemucsSeparator.MethodName
                ? SeparatorFactory.HtDemucs(new ModelStore(ModelStoreOptions.FromEnvironment()), HtDemucsOn(parse.GetValue(device)))
                : methodText.StartsWith("model:", StringComparison.Ordinal) && names is not null
                ? SeparatorFactory.Model(methodText["model:".Length..], new TorchScriptOptions(StemNames: names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)), TorchRuntime.ResolveDevice(parse.GetValue(device)))
                : SeparatorFactory.Create(methodText, TorchRuntime.ResolveDevice(parse.GetValue(device)));

            var clock = Stopwatch.StartNew();
            var written = Separate(separator, input, folder, cancellationToken);
            clock.Stop();
            if (parse.GetValue(json))
            {
                WriteJson(console.Out, separator, written, clock.Elapsed);
                return 0;
            }

            var inv = CultureInfo.InvariantCulture;
            foreach (var (stem, path, seconds) in written)
            {
                console.Out.WriteLine(string.Create(inv, $"{stem,-14} {path} ({seconds:0.00} s)"));
            }

            return 0;
        })));
        return command;
    }

    private static void WriteJson(TextWriter output, ISeparator separator, List<(string Stem, string Path, double Seconds)> written, TimeSpan elapsed)
    {
        // Peak resident set (VmHWM on Linux) of this whole process: runtime, libtorch and every buffer, not an estimate.
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var seconds = written.Count > 0 ? written.Max(w => w.Seconds) : 0;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("method", separator.Method);
            w.WriteStartObject("parameters");
            foreach (var (name, value) in separator.Parameters)
            {
                w.WritePropertyName(name);
                JsonSerializer.Serialize(w, value, value.GetType());
            }

            w.WriteEndObject();
            w.WriteStartArray("stems");
            foreach (var (stem, path, stemSeconds) in written)
            {
                w.WriteStartObject();
                w.WriteString("name", stem);
                w.WriteString("path", path);
                w.WriteNumber("seconds", Math.Round(stemSeconds, 6));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("audioSeconds", Math.Round(seconds, 6));
            w.WriteNumber("wallSeconds", Math.Round(elapsed.TotalSeconds, 3));
            w.WriteNumber("realTimeFactor", elapsed.TotalSeconds > 0 ? Math.Round(seconds / elapsed.TotalSeconds, 2) : 0);
            w.WriteNumber("peakMemoryBytes", self.PeakWorkingSet64);
            // CPU time (user + system, every thread) of the whole process so far: with wallSeconds, how many cores it kept busy.
            w.WriteNumber("cpuSeconds", Math.Round(self.TotalProcessorTime.TotalSeconds, 3));
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// HTDemucs runs on ONNX Runtime, not libtorch: <c>--device cuda</c> selects ONNX Runtime's CUDA provider (failing by
    /// name when this build or machine lacks it), <c>auto</c> takes it when usable; on the CPU a command-line run uses
    /// every core (a silo gives each unit one thread, as its compute limiter shares the cores out).
    /// </summary>
    private static HtDemucsOptions HtDemucsOn(string? device)
    {
        var text = (device ?? "auto").Trim().ToLowerInvariant();
        var cuda = text switch
        {
            "cpu" => false,
            "auto" => ComputeDevice.CudaProblem() is null,
            "cuda" or "cuda:0" => true,
            _ => throw new ArgumentException($"htdemucs runs on --device cpu, cuda or auto (got '{device}')."),
        };
        if (cuda)
        {
            ComputeDevice.EnsureCuda();
        }

        return new HtDemucsOptions(Runtime: new OnnxModelOptions(IntraOpThreads: Math.Clamp(Environment.ProcessorCount, 1, 256), UseCuda: cuda));
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
