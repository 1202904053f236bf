using System.Text.Json;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class JobGrainTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Mixup_job_runs_to_completion_with_one_output_per_unit_and_a_full_manifest()
    {
        var datasetId = TestData.NewKey("ds");
        var items = await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 5);
        var jobId = TestData.NewKey("job");
        var job = Client.GetGrain<IJobGrain>(jobId);

        var started = await job.StartAsync(TestData.Mixup(datasetId, 42, """{"alpha": 0.4, "count": 12}"""));
        Assert.Equal(JobState.Pending, started.State);
        Assert.Equal(["mixup"], started.Operations);
        var (status, seen) = await TestData.WaitAsync(Client, jobId);

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(JobState.Completed, seen[^1]);
        // Observed states only move forward along Pending → Planning → Running → Completed.
        var order = new[] { JobState.Pending, JobState.Planning, JobState.Running, JobState.Completed };
        Assert.Equal(seen.OrderBy(s => Array.IndexOf(order, s)), seen);
        Assert.Null(status.Error);
        Assert.Equal(12, status.Total);
        Assert.Equal(12, status.Completed);
        Assert.Equal(0, status.Failed);
        Assert.NotNull(status.StartedAt);
        Assert.NotNull(status.FinishedAt);
        Assert.Equal(JobKeys.Manifest(jobId), status.ManifestKey);

        var keys = await TestData.ListKeysAsync(fixture.Store, JobKeys.OutputsPrefix(jobId));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => JobKeys.Output(jobId, i)).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));

        var outputs = (await job.GetOutputsAsync(0, 100)).Items;
        Assert.Equal(Enumerable.Range(0, 12), outputs.Select(o => o.Index));
        foreach (var o in outputs)
        {
            Assert.Null(o.Error);
            Assert.Equal(16000, o.SampleRate);
            Assert.True(o.Duration > 0.2);
            Assert.Equal(1.0, o.SoftLabels!.Values.Sum(), 9);
            Assert.Equal(o.SoftLabels.MaxBy(kv => kv.Value).Key, o.Label);
        }

        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, status.ManifestKey!));
        var lines = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        var byId = items.ToDictionary(i => i.ItemId);
        for (var i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var line = doc.RootElement;
            Assert.Equal($"outputs/{i:D6}.wav", line.GetProperty("audio_filepath").GetString());
            Assert.True(line.GetProperty("duration").GetDouble() > 0.2);
            Assert.False(string.IsNullOrEmpty(line.GetProperty("label").GetString()));
            Assert.Equal(1.0, line.GetProperty("soft_labels").EnumerateObject().Sum(p => p.Value.GetDouble()), 5);
            var p = line.GetProperty("provenance");
            Assert.Equal("mixup", p.GetProperty("op").GetString());
            Assert.Equal(42, p.GetProperty("seed").GetInt64());
            var lambda = p.GetProperty("lambda").GetDouble();
            Assert.InRange(lambda, 0, 1);
            var sources = p.GetProperty("sources").EnumerateArray().ToArray();
            Assert.Equal(2, sources.Length);
            Assert.Equal(lambda, sources[0].GetProperty("weight").GetDouble(), 5);
            Assert.Equal(1 - lambda, sources[1].GetProperty("weight").GetDouble(), 5);
            foreach (var s in sources)
            {
                Assert.True(double.IsFinite(s.GetProperty("gainDb").GetDouble()));
                Assert.Equal(0.0, s.GetProperty("offsetSeconds").GetDouble());
                var item = byId[s.GetProperty("item").GetString()!];
                Assert.Equal(item.BlobKey, s.GetProperty("blob").GetString());
                Assert.Equal(item.ContentHash, s.GetProperty("sha256").GetString());
            }

            Assert.NotEqual(sources[0].GetProperty("item").GetString(), sources[1].GetProperty("item").GetString());
            // The flat gains/offsets the JobOutput contract names, in source order.
            Assert.Equal(sources.Select(s => s.GetProperty("gainDb").GetDouble()), p.GetProperty("gains").EnumerateArray().Select(g => g.GetDouble()));
            Assert.Equal(sources.Select(s => s.GetProperty("offsetSeconds").GetDouble()), p.GetProperty("offsets").EnumerateArray().Select(o => o.GetDouble()));
        }

        var listed = await Client.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListAsync();
        Assert.Contains(listed, j => j.JobId == jobId && j.State == JobState.Completed);
        Assert.DoesNotContain(jobId, await Client.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListUnfinishedAsync());
    }

    [Fact]
    public async Task Same_seed_gives_identical_plans_and_byte_identical_audio_and_another_seed_differs()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 4);
        const string Params = """{"alpha": 0.4, "count": 6}""";
        var a = await RunAsync(datasetId, 7, Params);
        var b = await RunAsync(datasetId, 7, Params);
        var c = await RunAsync(datasetId, 8, Params);

        var outA = (await Client.GetGrain<IJobGrain>(a).GetOutputsAsync(0, 100)).Items;
        var outB = (await Client.GetGrain<IJobGrain>(b).GetOutputsAsync(0, 100)).Items;
        var outC = (await Client.GetGrain<IJobGrain>(c).GetOutputsAsync(0, 100)).Items;
        Assert.Equal(outA.Select(o => o.ProvenanceJson), outB.Select(o => o.ProvenanceJson));
        Assert.NotEqual(outA.Select(o => o.ProvenanceJson), outC.Select(o => o.ProvenanceJson));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(await TestData.ReadAllAsync(fixture.Store, JobKeys.Output(a, i)), await TestData.ReadAllAsync(fixture.Store, JobKeys.Output(b, i)));
        }

        var differing = 0;
        for (var i = 0; i < 6; i++)
        {
            var x = await TestData.ReadAllAsync(fixture.Store, JobKeys.Output(a, i));
            var y = await TestData.ReadAllAsync(fixture.Store, JobKeys.Output(c, i));
            differing += x.AsSpan().SequenceEqual(y) ? 0 : 1;
        }

        Assert.True(differing >= 5, $"only {differing} of 6 outputs differ between seeds 7 and 8");
        // The manifests differ only in nothing: same seed, same dataset, same lines.
        Assert.Equal(
            await TestData.ReadAllAsync(fixture.Store, JobKeys.Manifest(a)),
            await TestData.ReadAllAsync(fixture.Store, JobKeys.Manifest(b)));
    }

    [Fact]
    public async Task Cancelling_a_large_job_ends_it_Cancelled_and_stops_outputs()
    {
        var datasetId = TestData.NewKey("ds");
        // Longer stereo clips make each unit take milliseconds, so 400 units take far longer than the test waits.
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 3, seconds: 4, rate: 44100, channels: 2);
        var jobId = TestData.NewKey("job");
        var job = Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(TestData.Mixup(datasetId, 1, """{"count": 400}"""));
        await WaitUntilAsync(async () => (await job.GetStatusAsync())!.Completed >= 2);

        var cancelled = await job.CancelAsync();
        Assert.Equal(JobState.Cancelled, cancelled!.State);
        Assert.NotNull(cancelled.FinishedAt);
        // CancelAsync returns once units in flight have landed: from here on the count must not move.
        var after = (await TestData.ListKeysAsync(fixture.Store, JobKeys.OutputsPrefix(jobId))).Count;
        await Task.Delay(500);
        var later = (await TestData.ListKeysAsync(fixture.Store, JobKeys.OutputsPrefix(jobId))).Count;

        Assert.Equal(after, later);
        Assert.InRange(later, 2, 399);
        var status = await job.GetStatusAsync();
        Assert.Equal(JobState.Cancelled, status!.State);
        Assert.Equal(400, status.Total);
        Assert.True(status.Completed < 400);
        Assert.Null(status.ManifestKey);
        // Cancelling again is a no-op; the catalog no longer lists it as unfinished.
        Assert.Equal(JobState.Cancelled, (await job.CancelAsync())!.State);
        Assert.DoesNotContain(jobId, await Client.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListUnfinishedAsync());
    }

    [Theory]
    [InlineData("shuffle", "{}", "Unknown op 'shuffle'")]
    [InlineData("mixup", """{"alhpa": 0.4}""", "unknown parameter 'alhpa'")]
    [InlineData("mixup", """{"alpha": 0}""", "'alpha' must be between")]
    [InlineData("mixup", """{"alpha": -1}""", "'alpha' must be between")]
    [InlineData("mixup", """{"count": 0}""", "'count' must be between 1")]
    [InlineData("mixup", """{"count": 2.5}""", "'count' must be a whole number")]
    [InlineData("mixup", """{"length": "middle"}""", "'length' must be one of")]
    [InlineData("mixup", "[1]", "params must be a JSON object")]
    public async Task Invalid_recipes_are_rejected_at_start_with_a_clear_ArgumentException(string op, string parameters, string expected)
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 2, seconds: 0.05);
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("job"));

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => job.StartAsync(new JobSpec(datasetId, 1, [new OperationSpec(op, parameters)], new OutputSpec())));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Null(await job.GetStatusAsync());
    }

    [Fact]
    public async Task Empty_recipe_and_bad_output_settings_are_rejected()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 2, seconds: 0.05);

        var none = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<IJobGrain>(TestData.NewKey("job")).StartAsync(new JobSpec(datasetId, 1, [], new OutputSpec())));
        Assert.Contains("at least one operation", none.Message, StringComparison.Ordinal);
        var format = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<IJobGrain>(TestData.NewKey("job")).StartAsync(
            new JobSpec(datasetId, 1, [new OperationSpec("mixup", "{}")], new OutputSpec("mp3"))));
        Assert.Contains("sample format 'mp3'", format.Message, StringComparison.Ordinal);
        var rate = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<IJobGrain>(TestData.NewKey("job")).StartAsync(
            new JobSpec(datasetId, 1, [new OperationSpec("mixup", "{}")], new OutputSpec("pcm16", 0))));
        Assert.Contains("sample rate", rate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_dataset_is_KeyNotFound_at_start()
    {
        var missing = TestData.NewKey("nods");
        var ex = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.GetGrain<IJobGrain>(TestData.NewKey("job")).StartAsync(TestData.Mixup(missing, 1, "{}")));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_the_same_job_twice_is_refused()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 2, seconds: 0.05);
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("job"));
        await job.StartAsync(TestData.Mixup(datasetId, 1, """{"count": 1}"""));
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.StartAsync(TestData.Mixup(datasetId, 1, """{"count": 1}""")));
    }

    [Fact]
    public async Task A_dataset_with_one_item_is_refused_at_start_with_a_clear_error_and_no_job()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 1, seconds: 0.05);
        var jobId = TestData.NewKey("job");
        var job = Client.GetGrain<IJobGrain>(jobId);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(TestData.Mixup(datasetId, 1, "{}")));

        Assert.Contains("at least 2 items", error.Message, StringComparison.Ordinal);
        Assert.Null(await job.GetStatusAsync());
        Assert.Empty(await TestData.ListKeysAsync(fixture.Store, JobKeys.Folder(jobId)));
    }

    [Fact]
    public async Task Rejecting_an_output_rewrites_the_manifest_without_it()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 3);
        var jobId = await RunAsync(datasetId, 3, """{"count": 5}""");
        var job = Client.GetGrain<IJobGrain>(jobId);

        var reviewed = await job.ReviewAsync(2, ReviewState.Rejected);
        Assert.Equal(ReviewState.Rejected, reviewed!.Review);
        Assert.Equal(ReviewState.Accepted, (await job.ReviewAsync(0, ReviewState.Accepted))!.Review);
        Assert.Null(await job.ReviewAsync(99, ReviewState.Rejected));

        var lines = await ManifestPathsAsync(jobId);
        Assert.Equal(["outputs/000000.wav", "outputs/000001.wav", "outputs/000003.wav", "outputs/000004.wav"], lines);
        // Un-rejecting brings it back.
        await job.ReviewAsync(2, ReviewState.Pending);
        Assert.Equal(5, (await ManifestPathsAsync(jobId)).Count);
        Assert.Equal(ReviewState.Accepted, (await job.GetOutputsAsync(0, 1)).Items[0].Review);

        // Pages come in index order, reflect reviews made after an earlier page was served, and count every output.
        var page = await job.GetOutputsAsync(1, 3);
        Assert.Equal(5, page.Total);
        Assert.Equal([1, 2, 3], page.Items.Select(o => o.Index));
        await job.ReviewAsync(3, ReviewState.Rejected);
        Assert.Equal(ReviewState.Rejected, (await job.GetOutputsAsync(3, 1)).Items[0].Review);
        Assert.Empty((await job.GetOutputsAsync(5, 10)).Items);
    }

    [Fact]
    public async Task Unknown_job_answers_null()
    {
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("nojob"));
        Assert.Null(await job.GetStatusAsync());
        Assert.Null(await job.CancelAsync());
        Assert.Equal(0, (await job.GetOutputsAsync(0, 10)).Total);
    }

    private async Task<List<string>> ManifestPathsAsync(string jobId)
    {
        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, JobKeys.Manifest(jobId)));
        return manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("audio_filepath").GetString()!).ToList();
    }

    private async Task<string> RunAsync(string datasetId, long seed, string parameters)
    {
        var jobId = TestData.NewKey("job");
        await Client.GetGrain<IJobGrain>(jobId).StartAsync(TestData.Mixup(datasetId, seed, parameters));
        var (status, _) = await TestData.WaitAsync(Client, jobId);
        Assert.Equal(JobState.Completed, status.State);
        return jobId;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(20);
        }
    }
}
