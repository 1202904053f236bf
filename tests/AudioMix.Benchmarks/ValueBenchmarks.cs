using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Storage;
using AudioMix.ValueExperiment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TorchSharp;

namespace AudioMix.Benchmarks;

/// <summary>
/// The experiment's protocol, fixed in code before any result was seen (issue #20). Every number here is a choice made
/// up front; changing one is a new protocol, to be committed before it is run.
/// </summary>
/// <param name="Name">full | quick.</param>
/// <param name="TrainPerClass">Training clips per family (FluidR3).</param>
/// <param name="TestPerClass">Test phrases per family, rendered on each of the three soundfonts.</param>
/// <param name="Seeds">One run of every arm per seed: the seed drives the model's initial weights, the batch order and the AudioMix jobs' seed.</param>
/// <param name="Training">Steps, batch and learning rate, the same for every arm.</param>
internal sealed record ValueProtocol(string Name, int TrainPerClass, int TestPerClass, IReadOnlyList<long> Seeds, TrainingSettings Training)
{
    /// <summary>Seed of the training phrases; the test phrases use another, so no test phrase is a training phrase.</summary>
    public const long TrainPhraseSeed = 20_001;
    public const long TestPhraseSeed = 20_002;

    /// <summary>Mixup's Beta(α, α): the op's default (Zhang et al. 2018 use 0.2–0.4 on audio).</summary>
    public const double MixupAlpha = 0.4;

    public static ValueProtocol Full { get; } = new("full", 40, 25, [1, 2, 3, 4, 5], new TrainingSettings(Steps: 300, BatchSize: 32, LearningRate: 1e-3));

    public static ValueProtocol Quick { get; } = new("quick", 40, 25, [1, 2, 3], new TrainingSettings(Steps: 100, BatchSize: 32, LearningRate: 1e-3));

    /// <summary>The arms: name and the job (op and parameters) whose outputs join the originals; baseline has none.</summary>
    public static IReadOnlyList<(string Arm, OperationSpec? Job)> Arms(int trainItems) =>
    [
        ("baseline", null),
        ("mixup", new OperationSpec("mixup", Json(new JsonObject { ["count"] = trainItems, ["alpha"] = MixupAlpha }))),
        ("beat_sync_mixup", new OperationSpec("beat_sync_mixup", Json(new JsonObject { ["count"] = trainItems, ["labels"] = "both" }))),
    ];

    private static string Json(JsonObject o) => o.ToJsonString();
}

/// <summary>
/// Proof of value (issue #20, <c>-- value [--quick] [--json PATH]</c>): does adding AudioMix's outputs to a small training
/// set make an instrument-family classifier generalise better across soundfonts? Data are rendered here with fluidsynth
/// (train on FluidR3, test on a held-out FluidR3 split, TimGM6mb and MuseScore General); the augmented items come from
/// real AudioMix jobs on an in-process silo (filesystem store), read back from the job's outputs (audio and soft labels,
/// as the manifest lists them); every arm trains the same log-mel CNN for the same number of steps, once per seed.
/// </summary>
internal static class ValueBenchmarks
{
    private const string Task = "8-way GM instrument-family classification of 4-s fluidsynth-rendered phrases; train FluidR3_GM, test held-out FluidR3_GM, TimGM6mb, MuseScore_General";

    public static async Task RunAsync(BenchmarkHarness harness, bool quick, string? jsonPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var protocol = quick ? ValueProtocol.Quick : ValueProtocol.Full;
        var clock = Stopwatch.StartNew();
        torch.set_num_threads(1);
        torch.set_num_interop_threads(1);
        Console.WriteLine($"Proof of value ({protocol.Name}) — {Task}");
        Console.WriteLine(string.Create(inv, $"load average at start: {LoadAverage()}; {Environment.ProcessorCount} cores; libtorch 1 thread per training, {Parallelism} trainings at a time"));

        // 1. Data: the same phrase sets every run (fixed seeds); test phrases rendered on all three soundfonts.
        var renderer = new FluidSynthRenderer(LogMelFeatures.SampleRate);
        var work = Path.Combine(harness.Folder, "value");
        var trainPhrases = PhraseGenerator.Generate(protocol.TrainPerClass, ValueProtocol.TrainPhraseSeed);
        var testPhrases = PhraseGenerator.Generate(protocol.TestPerClass, ValueProtocol.TestPhraseSeed);
        var trainClips = renderer.Render(trainPhrases, Soundfont.FluidR3, work);
        var domains = new[] { Soundfont.FluidR3, Soundfont.TimGm6mb, Soundfont.MuseScoreGeneral }
            .Select(font => (font.Domain, Clips: renderer.Render(testPhrases, font, work)))
            .ToArray();
        Phase(clock, $"rendered {trainClips.Count} training clips and {domains.Length} × {testPhrases.Count} test clips");

        using var features = new LogMelFeatures();
        var originals = trainClips.Select((clip, i) => new TrainingExample(features.Compute(clip), SoftLabelLoss.Targets(OneHot(trainPhrases[i].Family.Label)))).ToArray();
        var testLabels = testPhrases.Select(p => InstrumentFamily.IndexOf(p.Family.Label)).ToArray();
        var testFeatures = domains.Select(d => (d.Domain, Features: d.Clips.Select(features.Compute).ToArray())).ToArray();

        // 2. AudioMix jobs: one per augmenting arm and seed, over the training clips as a dataset.
        var arms = ValueProtocol.Arms(trainClips.Count);
        var augmented = await RunJobsAsync(harness, protocol, arms, trainPhrases, trainClips, features);
        Phase(clock, "AudioMix jobs done: " + string.Join(", ", augmented.GroupBy(a => a.Key.Arm).Select(g => $"{g.Key} {g.Min(x => x.Value.Length)}–{g.Max(x => x.Value.Length)} outputs")));

        // 3. Training: every (seed, arm) from scratch with the same steps; accuracy on every test domain.
        var runs = protocol.Seeds.SelectMany(seed => arms.Select(arm => (Seed: seed, arm.Arm))).ToArray();
        var accuracy = new Dictionary<(long Seed, string Arm), double[]>();
        var sync = new Lock();
        var frames = features.Frames;
        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, run =>
        {
            var pool = augmented.TryGetValue(run, out var extra) ? originals.Concat(extra).ToArray() : originals;
            var runClock = Stopwatch.StartNew();
            using var model = FamilyClassifierTraining.Train(pool, LogMelFeatures.Mels, frames, protocol.Training, run.Seed, out var diverged);
            var scores = testFeatures.Select(d => FamilyClassifierTraining.Accuracy(model, d.Features, testLabels, LogMelFeatures.Mels, frames)).ToArray();
            lock (sync)
            {
                accuracy[run] = scores;
                Console.WriteLine(string.Create(inv, $"  seed {run.Seed} {run.Arm,-16} pool {pool.Length,4}  {string.Join("  ", testFeatures.Select((d, i) => $"{d.Domain} {scores[i]:0.000}"))}  ({runClock.Elapsed.TotalSeconds:0} s){(diverged is { } step ? $"  LOSS NOT FINITE FROM STEP {step}" : "")}"));
            }
        });
        Phase(clock, $"trained {runs.Length} models ({protocol.Training.Steps} steps × {protocol.Training.BatchSize}, {FamilyClassifierTraining.NewModel(0, LogMelFeatures.Mels).ParameterCount:N0} parameters)");

        // 4. Statistics and report.
        var report = Report(protocol, arms.Select(a => a.Arm).ToArray(), testFeatures.Select(d => d.Domain).ToArray(), trainClips.Count, testPhrases.Count, accuracy);
        PrintTable(report);
        // CPU time over wall time tells how much of the machine the run had: on an idle 2-core machine the wall time is
        // about the CPU time ÷ 2 (two single-threaded trainings at a time; rendering and jobs use both cores too).
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine(string.Create(inv, $"total {clock.Elapsed.TotalMinutes:0.0} min wall, {cpu.TotalMinutes:0.0} min CPU (idle 2 cores: ≈ {cpu.TotalMinutes / Parallelism:0.0} min); load average at end: {LoadAverage()}"));
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"wrote {jsonPath}");
        }
    }

    /// <summary>Two trainings at a time on two or more cores (each on one libtorch thread, so each stays deterministic).</summary>
    private static int Parallelism => Math.Max(1, Math.Min(2, Environment.ProcessorCount));

    private static Dictionary<string, double> OneHot(string label) => new() { [label] = 1.0 };

    private static async Task<Dictionary<(long Seed, string Arm), TrainingExample[]>> RunJobsAsync(
        BenchmarkHarness harness, ValueProtocol protocol, IReadOnlyList<(string Arm, OperationSpec? Job)> arms,
        IReadOnlyList<Phrase> phrases, IReadOnlyList<AudioBuffer> clips, LogMelFeatures features)
    {
        using var host = DatasetScaleBenchmarks.InProcessSilo(Path.Combine(harness.Folder, "value-store"));
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var audio = new BlobAudio(host.Services.GetRequiredService<IBlobStore>());

        const string datasetId = "value-train";
        await grains.GetGrain<IDatasetGrain>(datasetId).CreateAsync("value: FluidR3 training clips", DatasetKind.Sound);
        var items = new List<DatasetItem>();
        for (var i = 0; i < clips.Count; i++)
        {
            var key = $"datasets/{datasetId}/items/{i:D4}.wav";
            var written = await audio.WriteWavAsync(key, clips[i], WavSampleFormat.Float32, CancellationToken.None);
            var hash = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(clips[i].Channels[0].AsSpan())));
            items.Add(new DatasetItem($"clip{i:D4}", $"clip{i:D4}.wav", key, hash, "wav/pcm_f32le", written.Length, clips[i].Duration,
                clips[i].SampleRate, 1, null, null, [phrases[i].Family.Label], null, null));
        }

        await grains.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);
        var result = new Dictionary<(long, string), TrainingExample[]>();
        foreach (var seed in protocol.Seeds)
        {
            foreach (var (arm, op) in arms)
            {
                if (op is null)
                {
                    continue;
                }

                var job = grains.GetGrain<IJobGrain>($"value-{arm}-{seed}");
                await job.StartAsync(new JobSpec(datasetId, seed, [op], new OutputSpec("float32")));
                JobStatus status;
                while (!(status = (await job.GetStatusAsync())!).IsFinished)
                {
                    await System.Threading.Tasks.Task.Delay(250);
                }

                if (status.State != JobState.Completed)
                {
                    throw new InvalidOperationException($"the {arm} job (seed {seed}) ended {status.State}: {status.Error}");
                }

                var examples = new List<TrainingExample>();
                for (var offset = 0; ; offset += 100)
                {
                    var page = await job.GetOutputsAsync(offset, 100);
                    foreach (var output in page.Items.Where(o => o.Error is null && o.OutputKey is not null))
                    {
                        var mixed = await audio.ReadAsync(output.OutputKey!, null, CancellationToken.None);
                        var weights = output.SoftLabels ?? throw new InvalidOperationException($"{arm} output {output.Index} has no soft labels.");
                        examples.Add(new TrainingExample(features.Compute(mixed), SoftLabelLoss.Targets(weights)));
                    }

                    if (offset + page.Items.Count >= page.Total || page.Items.Count == 0)
                    {
                        break;
                    }
                }

                result[(seed, arm)] = examples.ToArray();
            }
        }

        await host.StopAsync();
        return result;
    }

    private static JsonObject Report(ValueProtocol protocol, string[] arms, string[] domains, int trainItems, int testItems, Dictionary<(long Seed, string Arm), double[]> accuracy)
    {
        var seeds = protocol.Seeds;
        double[] Scores(string arm, int d) => seeds.Select(s => accuracy[(s, arm)][d]).ToArray();
        JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 6))).ToArray());

        var armsNode = new JsonObject();
        var differences = new JsonObject();
        foreach (var arm in arms)
        {
            var perDomain = new JsonObject();
            var diffDomain = new JsonObject();
            for (var d = 0; d < domains.Length; d++)
            {
                var scores = Scores(arm, d);
                var ci = ConfidenceInterval.Of95(scores);
                perDomain[domains[d]] = new JsonObject { ["accuracy"] = Array(scores), ["mean"] = Math.Round(ci.Mean, 6), ["ci95"] = Array([ci.Low, ci.High]) };
                if (arm != "baseline")
                {
                    var diff = ConfidenceInterval.Of95(ConfidenceInterval.Differences(scores, Scores("baseline", d)));
                    diffDomain[domains[d]] = new JsonObject { ["mean"] = Math.Round(diff.Mean, 6), ["ci95"] = Array([diff.Low, diff.High]) };
                }
            }

            armsNode[arm] = perDomain;
            if (arm != "baseline")
            {
                differences[arm] = diffDomain;
            }
        }

        return new JsonObject
        {
            ["task"] = Task,
            ["trainItems"] = trainItems,
            ["testItems"] = new JsonObject(domains.Select(d => KeyValuePair.Create(d, (JsonNode?)testItems))),
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode?)s).ToArray()),
            ["arms"] = armsNode,
            ["differences"] = differences,
        };
    }

    private static void PrintTable(JsonObject report)
    {
        var inv = CultureInfo.InvariantCulture;
        var domains = report["testItems"]!.AsObject().Select(kv => kv.Key).ToArray();
        Console.WriteLine();
        Console.WriteLine($"{"arm",-18}" + string.Concat(domains.Select(d => $" | {d + " accuracy (95% CI)",-32}")));
        foreach (var (arm, node) in report["arms"]!.AsObject())
        {
            Console.WriteLine($"{arm,-18}" + string.Concat(domains.Select(d =>
            {
                var cell = node![d]!;
                return string.Create(inv, $" | {(double)cell["mean"]!,6:0.000} [{(double)cell["ci95"]![0]!:0.000}, {(double)cell["ci95"]![1]!:0.000}]{"",-11}");
            })));
        }

        Console.WriteLine();
        Console.WriteLine($"{"vs baseline",-18}" + string.Concat(domains.Select(d => $" | {d + " paired Δ (95% CI)",-32}")));
        foreach (var (arm, node) in report["differences"]!.AsObject())
        {
            Console.WriteLine($"{arm,-18}" + string.Concat(domains.Select(d =>
            {
                var cell = node![d]!;
                return string.Create(inv, $" | {(double)cell["mean"]!,+7:+0.000;-0.000} [{(double)cell["ci95"]![0]!:+0.000;-0.000}, {(double)cell["ci95"]![1]!:+0.000;-0.000}]{"",-8}");
            })));
        }
    }

    private static void Phase(Stopwatch clock, string what) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalMinutes,5:0.0} min] {what}"));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
