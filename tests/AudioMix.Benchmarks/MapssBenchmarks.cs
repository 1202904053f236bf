using System.Diagnostics;
using AudioMix.Audio.Augmentation;
using AudioMix.Scoring;
using AudioMix.Scoring.Encoders;
using TorchSharp;

namespace AudioMix.Benchmarks;

/// <summary>
/// `-- mapss [seconds]`: MAPSS scoring of a 2-source mixture with the raw encoder, split into banks / encoder /
/// manifold time, with frames batched into one eigendecomposition per 64 frames and one frame at a time in the same run.
/// </summary>
internal static class MapssBenchmarks
{
    public static void Run(int seconds)
    {
        // One intra-op thread: on the shared 2-core host libtorch's OpenMP workers spin against the other jobs
        // (a batched eigh measured 20× slower with 2 threads than with 1 while other helpers were busy).
        torch.set_num_threads(1);
        var n = seconds * 16000;
        var r1 = Source(n, 180, 40, 2.5, 1);
        var r2 = Source(n, 410, 3, 3.5, 2);

        // Realistic outputs: 10 % leakage of the other source and noise at 20 dB SNR.
        var noise = new DeterministicRandom(9);
        var o1 = r1.Select((v, i) => (float)(v + (0.1 * r2[i]) + (0.01 * noise.NextGaussian()))).ToArray();
        var o2 = r2.Select((v, i) => (float)(v + (0.1 * r1[i]) + (0.01 * noise.NextGaussian()))).ToArray();

        Console.WriteLine($"MAPSS — 2 sources × {seconds} s at 16 kHz, raw encoder, CPU, torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores (shared)");
        using var encoder = new RawFrameEncoder(torch.CPU);

        // Warm-up (JIT, libtorch kernels) on 1 s.
        new MapssScorer(encoder).ScoreConditioned([r1[..16000], r2[..16000]], [o1[..16000], o2[..16000]]);

        // Alternating order, twice, so a change in the machine's load hits both variants alike.
        foreach (var (label, batch) in new[] { ("batched (64 frames per eigh)", 64), ("one frame at a time", 1), ("one frame at a time", 1), ("batched (64 frames per eigh)", 64) })
        {
            var clock = Stopwatch.StartNew();
            var result = new MapssScorer(encoder, new MapssOptions { FramesPerBatch = batch }).ScoreConditioned([r1, r2], [o1, o2]);
            clock.Stop();
            var t = result.Timings;
            Console.WriteLine(
                $"  {label,-30} total {clock.Elapsed.TotalSeconds,6:0.00} s = banks {t.Banks.TotalSeconds,6:0.00} + encoder {t.Encoder.TotalSeconds,5:0.00} + manifold {t.Manifold.TotalSeconds,6:0.00} " +
                $"(PS {result.Sources[0].MeanPs:0.000}/{result.Sources[1].MeanPs:0.000}, PM {result.Sources[0].MeanPm:0.000}/{result.Sources[1].MeanPm:0.000}, {result.Sources[0].ScoredFrames} frames)");
        }
    }

    private static float[] Source(int n, double f0, int partials, double syllableHz, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var phases = Enumerable.Range(0, partials).Select(_ => random.NextDouble(0, 2 * Math.PI)).ToArray();
        var y = new float[n];
        for (var k = 0; k < n; k++)
        {
            var t = k / 16000.0;
            var pitch = f0 * (1 + (0.01 * Math.Sin(2 * Math.PI * 5 * t)));
            double v = 0;
            for (var h = 1; h <= partials; h++)
            {
                v += Math.Sin((2 * Math.PI * pitch * h * t) + phases[h - 1]) / h;
            }

            y[k] = (float)(0.2 * (0.55 + (0.45 * Math.Sin(2 * Math.PI * syllableHz * t))) * v);
        }

        return y;
    }
}
