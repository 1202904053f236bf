using System.Globalization;
using System.Diagnostics;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.Audio.Torch;
using AudioMix.Separation;
using AudioMix.Separation.Metrics;
using AudioMix.TestSupport;
using TorchSharp;

namespace AudioMix.Benchmarks;

/// <summary>
/// `-- separation [seconds]`: real-time factor of every built-in separator (and the TorchScript path with the test
/// model) on one generated 44.1 kHz stereo mixture, against the oracle ideal-ratio mask computed in the same run. The
/// oracle is the floor: an STFT, a division and an inverse STFT, which every masking separator also pays, so
/// "× oracle time" says how much a method's own estimation costs on top of the transforms.
/// </summary>
internal static class SeparationBenchmarks
{
    private const int Rate = 44100;

    public static void Run(BenchmarkHarness harness, int seconds)
    {
        var inv = CultureInfo.InvariantCulture;

        // One intra-op thread, as the silos run each compute unit (AudioMix:Compute:TorchThreadsPerUnit = 1).
        torch.set_num_threads(1);
        var (mixture, drums, rest) = Mixture(seconds);
        Console.WriteLine(string.Create(inv,
            $"Separation — {seconds} s of 44.1 kHz stereo (drums, bass, pad, a voice-like melody), CPU, torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores (shared), median of {BenchmarkHarness.Repeats}"));

        var oracle = Measure(() => IdealRatioMask.Separate(mixture, [drums, rest]));
        Line("oracle IRM 4096/1024 (floor)", seconds, oracle, oracle);

        foreach (var method in SeparatorFactory.BuiltInMethods)
        {
            using var separator = SeparatorFactory.Create(method);
            Line($"{method} ({Describe(separator)})", seconds, Measure(() => separator.Separate(mixture)), oracle);
        }

        using (var wiener = SeparatorFactory.Hpss(new HpssOptions(WienerIterations: 1)))
        {
            Line("hpss + 1 Wiener pass", seconds, Measure(() => wiener.Separate(mixture)), oracle);
        }

        // Streamed from a file and discarded block by block: what `audiomix separate` and the job op do with long files.
        var file = Path.Combine(harness.Folder, "separation.wav");
        AudioFile.Write(file, mixture, WavSampleFormat.Pcm16);
        using (var streamed = SeparatorFactory.Create("hpss"))
        {
            var time = Measure(() => streamed.Separate(AudioBlocks.Read(file), (_, _) => { }));
            Line("hpss streamed from a WAV (I/O incl.)", seconds, time, oracle);
        }

        // glibc's thresholds vs NativeHeap's, each in a fresh process (the setting is process-wide and one-way).
        var tuned = Child(file, optOut: false);
        var plain = Child(file, optOut: true);
        Console.WriteLine(string.Create(inv,
            $"{"hpss streamed, own process, NativeHeap",-44} {tuned.Wall.TotalMilliseconds,7:0} ms | CPU {tuned.Cpu.TotalMilliseconds,7:0} ms"));
        Console.WriteLine(string.Create(inv,
            $"{"hpss streamed, own process, glibc defaults",-44} {plain.Wall.TotalMilliseconds,7:0} ms | CPU {plain.Cpu.TotalMilliseconds,7:0} ms | NativeHeap speed-up: wall {plain.Wall / tuned.Wall:0.00}x, CPU {plain.Cpu / tuned.Cpu:0.00}x"));

        var model = Path.Combine(AppContext.BaseDirectory, "Models", "midside_model.pt");
        using (var scripted = SeparatorFactory.Model(model))
        {
            Line("TorchScript model (test mid/side module)", seconds, Measure(() => scripted.Separate(mixture)), oracle);
        }
    }

    /// <summary>The child side of the heap comparison: one warm-up and the median of the streamed HPSS, as "wall cpu" ms.</summary>
    public static void RunChild(string file)
    {
        torch.set_num_threads(1);
        using var separator = SeparatorFactory.Create("hpss");
        var cost = Measure(() => separator.Separate(AudioBlocks.Read(file), (_, _) => { }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cost.Wall.TotalMilliseconds:0.0} {cost.Cpu.TotalMilliseconds:0.0}"));
    }

    private static Cost Child(string file, bool optOut)
    {
        var psi = new ProcessStartInfo("dotnet", [typeof(SeparationBenchmarks).Assembly.Location, "separation-child", file]) { RedirectStandardOutput = true };
        psi.Environment[NativeHeap.OptOutVariable] = optOut ? "default" : null;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the benchmark child");
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        process.WaitForExit();
        var parts = lines[^1].Split(' ');
        return new Cost(
            TimeSpan.FromMilliseconds(double.Parse(parts[0], CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(double.Parse(parts[1], CultureInfo.InvariantCulture)));
    }

    /// <summary>Median wall time, and mean CPU time (user + system, all threads): what a loaded machine distorts least.</summary>
    private static Cost Measure(Action action)
    {
        using var self = Process.GetCurrentProcess();
        var before = self.TotalProcessorTime;
        var wall = BenchmarkHarness.Time(action);
        self.Refresh();
        return new Cost(wall, (self.TotalProcessorTime - before) / (BenchmarkHarness.Repeats + 1));
    }

    private static void Line(string name, int seconds, Cost cost, Cost oracle) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-44} {cost.Wall.TotalMilliseconds,7:0} ms {seconds / cost.Wall.TotalSeconds,6:0.0}x real time {cost.Wall.TotalSeconds / oracle.Wall.TotalSeconds,5:0.00}× oracle | CPU {cost.Cpu.TotalMilliseconds,7:0} ms {seconds / cost.Cpu.TotalSeconds,6:0.0}x {cost.Cpu.TotalSeconds / oracle.Cpu.TotalSeconds,5:0.00}× oracle"));

    private readonly record struct Cost(TimeSpan Wall, TimeSpan Cpu);

    private static string Describe(ISeparator separator) => separator.Parameters.TryGetValue("fftSize", out var fft) && separator.Parameters.TryGetValue("hopLength", out var hop)
        ? string.Create(CultureInfo.InvariantCulture, $"{fft}/{hop}")
        : "defaults";

    /// <summary>Drums panned slightly, a bass line, a sustained pad spread wide and a centred vibrato melody.</summary>
    internal static (AudioBuffer Mixture, AudioBuffer Drums, AudioBuffer Others) Mixture(int seconds)
    {
        var loop = DrumLoops.Make(118, seconds, seed: 3, rate: Rate).Channels[0];
        var frames = loop.Length;
        var drums = AudioBuffer.Silence(Rate, 2, frames);
        var rest = AudioBuffer.Silence(Rate, 2, frames);
        var random = new Random(5);
        var bassNotes = new[] { 41.2, 55.0, 49.0, 36.7 };
        var melody = new[] { 220.0, 246.9, 261.6, 293.7, 329.6, 293.7 };
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / Rate;
            drums.Channels[0][i] = 0.9f * loop[i];
            drums.Channels[1][i] = 0.7f * loop[i];
            var bass = 0.25 * Math.Sin(2 * Math.PI * bassNotes[(int)(t / 2) % bassNotes.Length] * t);
            var pad = 0.05 * (Math.Sin(2 * Math.PI * 130.8 * t) + Math.Sin(2 * Math.PI * 164.8 * t) + Math.Sin(2 * Math.PI * 196.0 * t));
            var f0 = melody[(int)(t / 0.5) % melody.Length] * (1 + (0.01 * Math.Sin(2 * Math.PI * 5.5 * t)));
            var voice = 0.12 * (Math.Sin(2 * Math.PI * f0 * t) + (0.5 * Math.Sin(4 * Math.PI * f0 * t)) + (0.25 * Math.Sin(6 * Math.PI * f0 * t)));
            var breath = 0.003 * ((random.NextDouble() * 2) - 1);
            rest.Channels[0][i] = (float)(bass + (1.2 * pad) + voice + breath);
            rest.Channels[1][i] = (float)(bass + (0.8 * pad) + voice + breath);
        }

        var mixture = rest.Clone();
        for (var c = 0; c < 2; c++)
        {
            for (var i = 0; i < frames; i++)
            {
                mixture.Channels[c][i] += drums.Channels[c][i];
            }
        }

        return (mixture, drums, rest);
    }
}
