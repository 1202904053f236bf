using System.Text;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Grains.Tests;

/// <summary>
/// The sharded job engine on an in-process cluster of two silos over one blob store: a job's shards render on both silos,
/// grain states stay bounded, reviews during rendering never fail the job, and a silo killed mid-job loses nothing.
/// </summary>
public sealed class ShardedJobTests
{
    private static ClusterFixture TwoSilos() =>
        ClusterFixture.WithSilos(2, silo => silo.Services.Configure<JobEngineOptions>(o => o.ShardLeaseSeconds = 5));

    [Fact]
    public async Task A_job_spreads_over_both_silos_writes_each_output_once_and_keeps_every_grain_state_small()
    {
        await using var cluster = TwoSilos();
        await cluster.InitializeAsync();
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 8);
        var jobId = TestData.NewKey("job");
        await cluster.Client.GetGrain<IJobGrain>(jobId).StartAsync(TestData.Mixup(datasetId, 5, """{"count": 400}"""));
        var (status, seen) = await TestData.WaitAsync(cluster.Client, jobId, TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Contains(JobState.Running, seen);
        Assert.Equal((400, 400, 0), (status.Total, status.Completed, status.Failed));
        Assert.Equal(JobStage.Done, status.Progress!.Stage);
        Assert.True(status.Progress.Shards >= 2, $"{status.Progress.Shards} shards");

        var outputs = await AllOutputsAsync(cluster, jobId);
        Assert.Equal(Enumerable.Range(0, 400), outputs.Select(o => o.Index));
        var silos = outputs.Select(o => JsonNode.Parse(o.ProvenanceJson)!["silo"]!.GetValue<string>()).Distinct().ToArray();
        Assert.Equal(2, silos.Length);

        var manifest = Encoding.UTF8.GetString(await TestData.ReadAllAsync(cluster.Store, status.ManifestKey!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(400, manifest.Length);
        Assert.Equal(
            Enumerable.Range(0, 400).Select(i => $"outputs/{JobKeys.RelativeOutput(i)}"),
            manifest.Select(l => JsonNode.Parse(l)!["audio_filepath"]!.GetValue<string>()));

        // Grain states: the job's is a summary, each shard's holds at most its own units' outputs.
        var states = Directory.EnumerateFiles(cluster.DataDirectory, "*.json", SearchOption.AllDirectories)
            .Where(f => f.Contains(jobId, StringComparison.Ordinal)).Select(f => new FileInfo(f)).ToArray();
        // Grain-state blobs are {prefix}/{service}/{state name}/{grain type}/{key}.json; the job's state is named "job".
        var jobState = Assert.Single(states, f => f.FullName.Contains("/job/", StringComparison.Ordinal));
        Assert.True(jobState.Length < 4096, $"job state {jobState.Length} bytes");
        Assert.True(states.Length > 2, "shard states were written");
        Assert.All(states, f => Assert.True(f.Length < 1 << 20, $"{f.Name}: {f.Length} bytes"));
    }

    [Fact]
    public async Task Reviewing_outputs_while_the_job_renders_never_fails_it_and_every_verdict_is_kept()
    {
        await using var cluster = TwoSilos();
        await cluster.InitializeAsync();
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 6, seconds: 1, rate: 44100, channels: 2);
        var jobId = TestData.NewKey("job");
        var job = cluster.Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(TestData.Mixup(datasetId, 9, """{"count": 240}"""));

        var verdicts = new Dictionary<int, ReviewState>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JobStatus status;
        var reviewedWhileRunning = 0;
        while (!(status = (await job.GetStatusAsync())!).IsFinished)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not finish");
            var page = await job.GetOutputsAsync(0, 1000);
            foreach (var output in page.Items.Where(o => !verdicts.ContainsKey(o.Index)))
            {
                var verdict = output.Index % 3 == 0 ? ReviewState.Rejected : ReviewState.Accepted;
                Assert.Equal(verdict, (await job.ReviewAsync(output.Index, verdict))!.Review);
                verdicts[output.Index] = verdict;
                reviewedWhileRunning++;
            }
        }

        Assert.Equal(JobState.Completed, status.State);
        Assert.Null(status.Error);
        Assert.True(reviewedWhileRunning > 0, "no output was reviewed while the job ran");
        var outputs = await AllOutputsAsync(cluster, jobId);
        foreach (var (index, verdict) in verdicts)
        {
            Assert.Equal(verdict, outputs[index].Review);
        }

        // Reviews after completion rewrite the manifest: rejected outputs are left out.
        foreach (var output in outputs.Where(o => !verdicts.ContainsKey(o.Index)))
        {
            await job.ReviewAsync(output.Index, output.Index % 3 == 0 ? ReviewState.Rejected : ReviewState.Accepted);
        }

        var manifest = Encoding.UTF8.GetString(await TestData.ReadAllAsync(cluster.Store, status.ManifestKey!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 240).Count(i => i % 3 != 0), manifest.Length);
    }

    [Fact]
    public async Task A_silo_killed_mid_job_loses_nothing_and_the_outputs_match_an_uninterrupted_run()
    {
        const int Units = 300;
        await using var cluster = TwoSilos();
        await cluster.InitializeAsync();
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 6, seconds: 1, rate: 44100, channels: 2);
        var jobId = TestData.NewKey("job");
        var job = cluster.Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(TestData.Mixup(datasetId, 21, $$"""{"count": {{Units}}}"""));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await job.GetStatusAsync())!.Completed < Units * 3 / 10)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job made no progress");
            await Task.Delay(20);
        }

        // The primary silo hosts the test cluster's membership; the other one is killed without a chance to stop cleanly.
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[1]);
        var (status, _) = await TestData.WaitAsync(cluster.Client, jobId, TimeSpan.FromSeconds(180));
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal((Units, Units, 0), (status.Total, status.Completed, status.Failed));
        var outputs = await AllOutputsAsync(cluster, jobId);
        Assert.Equal(Enumerable.Range(0, Units), outputs.Select(o => o.Index));
        Assert.Equal(Units, (await TestData.ListKeysAsync(cluster.Store, JobKeys.OutputsPrefix(jobId))).Count);
        var manifest = Encoding.UTF8.GetString(await TestData.ReadAllAsync(cluster.Store, status.ManifestKey!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Units, manifest.Length);

        // The same recipe and seed, uninterrupted, renders the same bytes.
        var againId = TestData.NewKey("job");
        await cluster.Client.GetGrain<IJobGrain>(againId).StartAsync(TestData.Mixup(datasetId, 21, $$"""{"count": {{Units}}}"""));
        Assert.Equal(JobState.Completed, (await TestData.WaitAsync(cluster.Client, againId, TimeSpan.FromSeconds(180))).Status.State);
        for (var i = 0; i < Units; i += 23)
        {
            Assert.Equal(
                await TestData.ReadAllAsync(cluster.Store, JobKeys.Output(againId, i)),
                await TestData.ReadAllAsync(cluster.Store, JobKeys.Output(jobId, i)));
        }
    }

    [Fact]
    public async Task A_finished_job_and_its_shards_read_back_after_every_activation_is_collected()
    {
        await using var cluster = TwoSilos();
        await cluster.InitializeAsync();
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 4);
        var jobId = TestData.NewKey("job");
        // A collection-expression list (a compiler-made type) as the recipe, as any client may send.
        await cluster.Client.GetGrain<IJobGrain>(jobId).StartAsync(new JobSpec(datasetId, 4, [new OperationSpec("mixup", """{"count": 50}""")], new OutputSpec()));
        var (status, _) = await TestData.WaitAsync(cluster.Client, jobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobState.Completed, status.State);
        var before = await AllOutputsAsync(cluster, jobId);

        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = (await cluster.Client.GetGrain<IJobGrain>(jobId).GetStatusAsync())!;
        Assert.Equal((status.State, status.Total, status.Completed, status.Failed, status.ManifestKey), (after.State, after.Total, after.Completed, after.Failed, after.ManifestKey));
        Assert.Equal(["mixup"], after.Operations);
        Assert.Equal(before.Select(o => o.ProvenanceJson), (await AllOutputsAsync(cluster, jobId)).Select(o => o.ProvenanceJson));
    }

    private static async Task<List<JobOutput>> AllOutputsAsync(ClusterFixture cluster, string jobId)
    {
        var job = cluster.Client.GetGrain<IJobGrain>(jobId);
        var all = new List<JobOutput>();
        for (var page = await job.GetOutputsAsync(0, 97); page.Items.Count > 0; page = await job.GetOutputsAsync(page.Offset + page.Items.Count, 97))
        {
            all.AddRange(page.Items);
        }

        return all;
    }
}
