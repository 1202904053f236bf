using System.Diagnostics;
using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Mixing;
using AudioMix.Captions.Pairing;
using AudioMix.Captions.Tests.Merging;

namespace AudioMix.Benchmarks;

/// <summary>
/// Caption mix-up throughput (mixes per second) against references measured in the same run on the same clips:
/// copying the two source files, and decoding them plus writing one WAV (the I/O floor of any mix).
/// </summary>
internal static class CaptionMixBenchmarks
{
    public static void Run(BenchmarkHarness harness, int mixes)
    {
        var inv = CultureInfo.InvariantCulture;
        var folder = Path.Combine(harness.Folder, "captions");
        Directory.CreateDirectory(folder);
        // Clotho-like sources: 44.1 kHz stereo PCM16 of 15–30 s would dominate the run; 8–12 s keeps it short
        // while still exercising decode, downmix, resampling to 16 kHz and the ±5 dB energy-ratio mix.
        var clipCount = Math.Max(4, mixes);
        var paths = new string[clipCount];
        for (var i = 0; i < clipCount; i++)
        {
            paths[i] = Path.Combine(folder, $"clip{i:D3}.wav");
            AudioFile.Write(paths[i], Signal(44_100, 8 + (i % 5), seed: i), WavSampleFormat.Pcm16);
        }

        var captions = CaptionPairs.All.SelectMany(p => new[] { p.First, p.Second }).Distinct().Take(clipCount).ToArray();
        var plan = CaptionMixPlanner.Plan(captions.Select((c, i) => new CaptionedClip($"c{i}", c)).ToArray(), new CaptionMixPlanOptions { Count = mixes, MaxUsesPerItem = 4 }, seed: 1);
        var audioSeconds = plan.Sum(p => Math.Max(8 + (p.First % 5), 8 + (p.Second % 5)));
        var outPath = Path.Combine(folder, "out.wav");
        var copyA = Path.Combine(folder, "copy_a.wav");
        var copyB = Path.Combine(folder, "copy_b.wav");
        var merger = new BuiltInCaptionMerger();

        void MixAll(CaptionMixMode mode)
        {
            foreach (var pair in plan)
            {
                var mix = CaptionAudioMixer.Mix(AudioFile.Read(paths[pair.First]), AudioFile.Read(paths[pair.Second]), new CaptionMixOptions { Mode = mode }, pair.Seed);
                AudioFile.Write(outPath, mix.Audio, WavSampleFormat.Pcm16);
                _ = merger.MergeAsync(new CaptionMergeRequest(captions[pair.First], captions[pair.Second], 3, pair.Seed)).GetAwaiter().GetResult();
            }
        }

        var wu = BenchmarkHarness.Time(() => MixAll(CaptionMixMode.Wu));
        var audioGen = BenchmarkHarness.Time(() => MixAll(CaptionMixMode.AudioGen));
        var copy = BenchmarkHarness.Time(() =>
        {
            foreach (var pair in plan)
            {
                File.Copy(paths[pair.First], copyA, overwrite: true);
                File.Copy(paths[pair.Second], copyB, overwrite: true);
            }
        });
        var decode = BenchmarkHarness.Time(() =>
        {
            foreach (var pair in plan)
            {
                var a = AudioFile.Read(paths[pair.First]);
                _ = AudioFile.Read(paths[pair.Second]);
                AudioFile.Write(outPath, a, WavSampleFormat.Pcm16);
            }
        });

        Console.WriteLine(string.Create(inv, $"caption-mix: {plan.Count} mixes of 44.1 kHz stereo clips (8–12 s) to 16 kHz mono, built-in merger (3 variants), median of {BenchmarkHarness.Repeats}"));
        Report("caption mix, Wu et al. (read+mix+merge+write)", plan.Count, wu, copy, "file copy of both");
        Report("caption mix, Wu et al. (read+mix+merge+write)", plan.Count, wu, decode, "decode both+write");
        Report("caption mix, AudioGen (read+mix+merge+write)", plan.Count, audioGen, decode, "decode both+write");

        // The built-in merger alone, over the test pair list (3 variants each).
        var pairs = CaptionPairs.All;
        var merge = BenchmarkHarness.Time(() =>
        {
            foreach (var (a, b) in pairs)
            {
                _ = BuiltInCaptionMerger.Merge(a, b, 3, 0);
            }
        });
        Console.WriteLine(string.Create(inv, $"{"built-in merger (3 variants per pair)",-42} {pairs.Length / merge.TotalSeconds,10:0} pairs/s ({merge.TotalMilliseconds / pairs.Length * 1000,6:0.0} µs per pair)"));
        Console.WriteLine(string.Create(inv, $"{"audio seconds per mix (output length)",-42} {audioSeconds / (double)plan.Count,10:0.0} s; Wu throughput {audioSeconds / wu.TotalSeconds,6:0}x real time"));
        Console.WriteLine();
        Console.WriteLine("Ten built-in merges (first variant, seed 0):");
        foreach (var (a, b) in pairs.Take(10))
        {
            Console.WriteLine($"  \"{a}\" + \"{b}\" -> \"{BuiltInCaptionMerger.Merge(a, b, 1, 0)[0]}\"");
        }
    }

    private static void Report(string name, int mixes, TimeSpan ours, TimeSpan reference, string referenceName)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} {mixes / ours.TotalSeconds,7:0.0} mixes/s | {referenceName,-18} {mixes / reference.TotalSeconds,8:0.0} pairs/s | AudioMix takes {ours.TotalSeconds / reference.TotalSeconds,6:0.0}x the reference"));
    }

    private static AudioBuffer Signal(int rate, int seconds, int seed)
    {
        var random = new Random(seed);
        var frames = rate * seconds;
        var left = new float[frames];
        var right = new float[frames];
        var f = 150 + (seed * 37 % 900);
        for (var i = 0; i < frames; i++)
        {
            var tone = 0.2f * MathF.Sin(2 * MathF.PI * f * i / rate);
            left[i] = tone + (0.05f * (float)(random.NextDouble() - 0.5));
            right[i] = (0.8f * tone) + (0.05f * (float)(random.NextDouble() - 0.5));
        }

        return new AudioBuffer(rate, [left, right]);
    }
}
