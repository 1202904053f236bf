using System.Diagnostics;
using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Music.Beats;
using AudioMix.Music.Mixing;
using AudioMix.TestSupport;

namespace AudioMix.Benchmarks;

/// <summary>
/// Beat tracking against <c>aubio beat</c> on the same generated file, and end-to-end beat-synchronous mixup throughput
/// (seconds of mix produced per wall-clock second with one worker per core), with and without the beat analysis.
/// </summary>
internal static class BeatBenchmarks
{
    private const int Rate = 44100;

    public static void Run(BenchmarkHarness harness, double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        // As the silo runs it (AddAudioMixGrains: one unit per core, one libtorch thread per unit). The tracker's tensors
        // are small; with libtorch's default OpenMP pool on a loaded 2-core machine the same analysis took 3x the wall
        // time and 1.5-3x the CPU time (idle OpenMP workers spin), measured in one session: 0.38-0.52x vs 1.42-1.64x aubio.
        var threads = AudioMix.Audio.Torch.TorchRuntime.LimitIntraOpThreads(1);
        Console.WriteLine(string.Create(inv, $"libtorch intra-op threads: 1 per unit, as in the silo ({threads})"));
        using var tracker = new BeatTracker();

        // Same WAV for both: a drum loop with a bass-like layer so the onset envelope is not a bare click train.
        var file = Path.Combine(harness.Folder, "beats.wav");
        AudioFile.Write(file, Stereo(WithBass(DrumLoops.Make(123, seconds, seed: 1, rate: Rate), 123)), WavSampleFormat.Pcm16);
        var ours = BenchmarkHarness.Time(() => tracker.Analyze(AudioFile.Read(file)));
        var aubio = BenchmarkHarness.TimeProcess("aubio", "beat", file);
        BenchmarkHarness.Report($"Beat tracking, {seconds:0} s file (I/O incl.)", seconds, ours, aubio, "aubio beat");
        var tempo = tracker.Analyze(AudioFile.Read(file)).Tempo;
        // CPU time is what a loaded machine distorts least (wall time waits for cores other processes hold).
        var oursCpu = CpuSeconds(() => tracker.Analyze(AudioFile.Read(file)));
        var aubioCpu = AubioCpuSeconds(file);
        Console.WriteLine(string.Create(inv,
            $"{"",-42} CPU time: AudioMix {oursCpu * 1000:0} ms ({seconds / oursCpu:0}x), aubio {aubioCpu * 1000:0} ms ({seconds / aubioCpu:0}x), ratio {aubioCpu / oursCpu:0.00}x"));
        Console.WriteLine(string.Create(inv, $"{"",-42} (tracked {tempo:0.0} BPM for 123; aubio's time includes its Python start-up)"));

        // End to end: 8 tracks of 30 s around 120 BPM (within the 6 % tolerance), 16 mixes of 10.24 s (MusicLDM's clip).
        var tracks = Enumerable.Range(0, 8)
            .Select(i => Stereo(WithBass(DrumLoops.Make(116 + (i * 1.3), 30, seed: 10 + i, rate: Rate), 116 + (i * 1.3))))
            .ToArray();
        var options = new BeatSyncMixOptions { LengthSeconds = 10.24 };
        var workers = Environment.ProcessorCount;
        var analysed = new AnalysedTrack[tracks.Length];
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var analysis = Stopwatch.StartNew();
        Parallel.For(0, tracks.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => analysed[i] = new AnalysedTrack(tracker.Analyze(tracks[i]), tracks[i].Duration));
        analysis.Stop();
        var analysisCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var render = Stopwatch.StartNew();
        var plans = BeatSyncMixer.PlanMixes(analysed, 16, seed: 1, new BeatSyncPairOptions(), options);
        var produced = new double[plans.Count];
        Parallel.For(0, plans.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, u =>
        {
            var plan = plans[u];
            var mix = BeatSyncMixer.Blend(BeatSyncMixer.Align(tracks[plan.Pair.Anchor], tracks[plan.Pair.Partner], plan.Cut, options), plan.Pair.Lambda, options);
            using var sink = new MemoryStream();
            using (var writer = new WavWriter(sink, mix.Audio.SampleRate, mix.Audio.ChannelCount, WavSampleFormat.Pcm16, leaveOpen: true))
            {
                writer.Write(mix.Audio);
            }

            produced[u] = mix.Audio.Duration;
        });
        render.Stop();
        var renderCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds - analysisCpu;
        var total = produced.Sum();
        Console.WriteLine(string.Create(inv,
            $"{"Beat-sync mixup end to end",-42} {plans.Count} mixes, {total:0.0} s of 44.1 kHz stereo on {workers} workers: " +
            $"{total / (analysis.Elapsed + render.Elapsed).TotalSeconds:0.0}x real time with analysis ({analysis.Elapsed.TotalSeconds:0.00} s for {tracks.Length * 30} s of input), " +
            $"{total / render.Elapsed.TotalSeconds:0.0}x without (analyses cached)"));
        Console.WriteLine(string.Create(inv,
            $"{"",-42} CPU-bound estimate for {workers} idle cores: {total * workers / (analysisCpu + renderCpu):0.0}x with analysis, {total * workers / renderCpu:0.0}x without " +
            $"(analysis {analysisCpu:0.00} CPU-s, render {renderCpu:0.00} CPU-s)"));
    }

    private static double CpuSeconds(Action action)
    {
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < BenchmarkHarness.Repeats; i++)
        {
            action();
        }

        return (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds / BenchmarkHarness.Repeats;
    }

    /// <summary>aubio's user + system CPU seconds per run, from bash's <c>times</c> (a process's CPU time is gone once it exits).</summary>
    private static double AubioCpuSeconds(string file)
    {
        var script = $"for i in $(seq {BenchmarkHarness.Repeats}); do aubio beat \"$1\" > /dev/null; done; times";
        var output = RunCapture("bash", "-c", script, "bash", file);
        // `times` prints the shell's own line, then the children's: "0m1.234s 0m0.056s".
        var children = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Sum(ParseMinutesSeconds) / BenchmarkHarness.Repeats;
    }

    private static double ParseMinutesSeconds(string value)
    {
        var m = value.IndexOf('m', StringComparison.Ordinal);
        return (double.Parse(value[..m], CultureInfo.InvariantCulture) * 60) + double.Parse(value[(m + 1)..].TrimEnd('s'), CultureInfo.InvariantCulture);
    }

    private static string RunCapture(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} exited {process.ExitCode}: {error.Result}");
    }

    private static AudioBuffer WithBass(AudioBuffer drums, double bpm)
    {
        var x = drums.Channels[0];
        var bar = 4 * 60 / bpm;
        double[] roots = [55, 73.42, 61.74, 82.41];
        for (var i = 0; i < x.Length; i++)
        {
            var t = (double)i / drums.SampleRate;
            var inBar = (t - DrumLoops.Start) % bar;
            if (t >= DrumLoops.Start)
            {
                var f = roots[(int)((t - DrumLoops.Start) / bar) % roots.Length];
                x[i] += (float)(0.2 * Math.Exp(-inBar / 0.6) * Math.Sin(2 * Math.PI * f * t));
            }
        }

        return drums;
    }

    private static AudioBuffer Stereo(AudioBuffer mono) => new(mono.SampleRate, [mono.Channels[0], (float[])mono.Channels[0].Clone()]);
}
