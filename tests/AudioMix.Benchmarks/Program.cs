using AudioMix.Benchmarks;

// Each suite measures AudioMix and a reference tool on the same input in the same run and prints
// the ratio; absolute times on a shared 2-core machine mean little on their own.
var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 300;
using var harness = new BenchmarkHarness();
Console.WriteLine($"AudioMix benchmarks — input: {seconds} s of 44.1 kHz stereo PCM16 noise+tones, median of {BenchmarkHarness.Repeats} runs after a warm-up");
Console.WriteLine();
CoreAudioBenchmarks.Run(harness, seconds);
