using System.Diagnostics;
using System.Globalization;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioMix.Benchmarks;

/// <summary>
/// The job engine at scale (<c>-- scale [units]</c>): one mixup job of <c>units</c> (default 100,000) over 200 one-second
/// clips on an in-process silo with the filesystem store. Printed against references from the same run: units/s in the
/// last third of the job ÷ the first third (flat cost per unit ⇒ ≈ 1), resident memory at the end ÷ at 10% of the job,
/// an outputs page at 100k outputs (warm, and right after every activation was collected) ÷ the same page at 1% of the
/// job, and the largest grain-state blob written ÷ 1 MB.
/// </summary>
internal static class JobScaleBenchmarks
{
    public static async Task RunAsync(BenchmarkHarness harness, int units)
    {
        var inv = CultureInfo.InvariantCulture;
        var root = Path.Combine(harness.Folder, "job-scale");
        using var host = DatasetScaleBenchmarks.InProcessSilo(root);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var store = host.Services.GetRequiredService<IBlobStore>();

        var datasetId = "scale";
        await grains.GetGrain<IDatasetGrain>(datasetId).CreateAsync("scale", DatasetKind.Sound);
        var audio = new BlobAudio(store);
        var items = new List<DatasetItem>();
        for (var i = 0; i < 200; i++)
        {
            var clip = Tone(110 + 7 * i, 16000, 1.0, i);
            var key = $"datasets/{datasetId}/items/{i:D4}.wav";
            var written = await audio.WriteWavAsync(key, clip, WavSampleFormat.Pcm16, CancellationToken.None);
            items.Add(new DatasetItem($"item{i:D4}", $"clip{i}.wav", key, $"{i:x64}", "wav/pcm_s16le", written.Length, clip.Duration, 16000, 1, null, null, [$"class{i % 10}"], null, null));
        }

        await grains.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);
        var job = grains.GetGrain<IJobGrain>("scale-job");
        Console.WriteLine(string.Create(inv, $"Job scale — mixup of {units:N0} units over 200 one-second 16 kHz clips, in-process silo, filesystem store, {Environment.ProcessorCount} cores"));
        var clock = Stopwatch.StartNew();
        await job.StartAsync(new JobSpec(datasetId, 3, [new OperationSpec("mixup", $"{{\"count\": {units}}}")], new OutputSpec()));

        var samples = new List<(double Seconds, long Recorded)>();
        long rssAtTenth = 0;
        TimeSpan pageAtOnePercent = default;
        JobStatus status;
        while (!(status = (await job.GetStatusAsync())!).IsFinished)
        {
            var recorded = status.Completed + status.Failed;
            samples.Add((clock.Elapsed.TotalSeconds, recorded));
            if (pageAtOnePercent == default && recorded >= units / 100 + 100)
            {
                pageAtOnePercent = await PageTimeAsync(job, recorded - 100);
            }

            if (rssAtTenth == 0 && recorded >= units / 10)
            {
                rssAtTenth = Process.GetCurrentProcess().WorkingSet64;
            }

            await Task.Delay(500);
        }

        samples.Add((clock.Elapsed.TotalSeconds, status.Completed + status.Failed));
        var rssAtEnd = Process.GetCurrentProcess().WorkingSet64;
        if (status.State != JobState.Completed)
        {
            throw new InvalidOperationException($"The job ended {status.State}: {status.Error}");
        }

        double Rate(double from, double to)
        {
            var a = samples.First(s => s.Recorded >= from);
            var b = samples.First(s => s.Recorded >= to);
            return (b.Recorded - a.Recorded) / Math.Max(1e-9, b.Seconds - a.Seconds);
        }

        var first = Rate(0.02 * units, units / 3.0);
        var last = Rate(2 * units / 3.0, units);
        var warm = await PageTimeAsync(job, units / 2);

        // Review over every shard: a filtered, sorted page (each shard filters its outputs, the job sorts indices and
        // keys) and a bulk review of the filtered set, against the plain page above in the same run.
        var reviewQuery = new OutputQuery("lambda < 0.5 and review = pending", "lambda", Descending: true);
        // The first query reads every output's provenance; later pages, sorts and the bulk review use the shards' field cache.
        var filteredFirst = await PageTimeAsync(job, units / 4, repeats: 1, query: reviewQuery);
        var filtered = await PageTimeAsync(job, (units / 4) + 100, query: reviewQuery);
        var otherField = await PageTimeAsync(job, 0, repeats: 1, query: new OutputQuery("sources.0.gainDb < 100 and review = pending", "sources.1.gainDb"));
        var bulkClock = Stopwatch.StartNew();
        var rejected = await job.ReviewMatchingAsync("lambda < 0.1", ReviewState.Rejected);
        var bulk = bulkClock.Elapsed;
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var cold = await PageTimeAsync(job, units - 100, repeats: 1);
        var largestState = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Max(f => new FileInfo(f).Length);

        Console.WriteLine(string.Create(inv, $"{"whole job",-40} {status.Total / clock.Elapsed.TotalSeconds,10:N0} units/s over {clock.Elapsed.TotalSeconds:0} s"));
        Console.WriteLine(string.Create(inv, $"{"units/s first third → last third",-40} {first,10:N0} → {last:N0}   last/first {last / first:0.00}x (target ≥ 0.90)"));
        Console.WriteLine(string.Create(inv, $"{"resident memory at 10% → end",-40} {rssAtTenth / 1048576.0,10:N0} MB → {rssAtEnd / 1048576.0:N0} MB   end/10% {(double)rssAtEnd / rssAtTenth:0.00}x (target ≤ 1.20)"));
        Console.WriteLine(string.Create(inv, $"{"outputs page (100) at 1% of the job",-40} {pageAtOnePercent.TotalMilliseconds,10:0.0} ms (reference)"));
        Console.WriteLine(string.Create(inv, $"{"outputs page (100), all outputs, warm",-40} {warm.TotalMilliseconds,10:0.0} ms   ÷ reference {warm / pageAtOnePercent:0.00}x (target ≤ 50 ms)"));
        Console.WriteLine(string.Create(inv, $"{"filtered + sorted page (100), first",-40} {filteredFirst.TotalMilliseconds,10:0.0} ms   ÷ plain warm page {filteredFirst / warm:0.0}x (target ≤ 1,000 ms)"));
        Console.WriteLine(string.Create(inv, $"{"filtered + sorted page (100), next pages",-40} {filtered.TotalMilliseconds,10:0.0} ms   ÷ plain warm page {filtered / warm:0.0}x"));
        Console.WriteLine(string.Create(inv, $"{"filtered + sorted page, new fields",-40} {otherField.TotalMilliseconds,10:0.0} ms   ÷ plain warm page {otherField / warm:0.0}x"));
        Console.WriteLine(string.Create(inv, $"{"bulk review of a filtered set",-40} {bulk.TotalMilliseconds,10:0.0} ms   ({rejected:N0} outputs rejected, manifest rewritten once)"));
        Console.WriteLine(string.Create(inv, $"{"outputs page right after activation",-40} {cold.TotalMilliseconds,10:0.0} ms   ÷ reference {cold / pageAtOnePercent:0.00}x (target ≤ 50 ms)"));
        Console.WriteLine(string.Create(inv, $"{"largest grain-state blob",-40} {largestState / 1024.0,10:N0} KB   ÷ 1 MB {largestState / 1048576.0:0.00}x (target ≤ 1.00)"));
        await host.StopAsync();
    }

    private static async Task<TimeSpan> PageTimeAsync(IJobGrain job, long offset, int repeats = 5, OutputQuery? query = null)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = query is null ? await job.GetOutputsAsync((int)offset, 100) : await job.QueryOutputsAsync(query, (int)offset, 100);
            times.Add(clock.Elapsed);
            if (page.Items.Count == 0)
            {
                throw new InvalidOperationException($"No outputs at offset {offset}.");
            }
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>A mono sine plus seeded noise (every clip's bytes differ).</summary>
    internal static AudioBuffer Tone(double frequency, int rate, double seconds, int seed)
    {
        var random = new Random(seed);
        var samples = new float[(int)(rate * seconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin((float)(2 * Math.PI * frequency * i / rate)) + 0.01f * (float)(random.NextDouble() - 0.5);
        }

        return new AudioBuffer(rate, [samples]);
    }
}
