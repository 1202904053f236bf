using System.Text.Json;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

/// <summary>
/// The in-process counterpart of the kill -9 test: a job's silo stops mid-way, a new cluster starts
/// over the same data directory and service id, and the job completes with every output exactly once.
/// </summary>
public sealed class JobResumeTests
{
    [Fact]
    public async Task A_job_interrupted_by_a_silo_stop_resumes_on_restart_and_completes_each_output_once()
    {
        const int Units = 120;
        var first = new ClusterFixture { DeleteDataOnDispose = false };
        var data = first.DataDirectory;
        var serviceId = first.ServiceId;
        var jobId = TestData.NewKey("job");
        JobStatus before;
        List<int> recorded;
        try
        {
            await first.InitializeAsync();
            var datasetId = TestData.NewKey("ds");
            await TestData.CreateDatasetAsync(first.Client, first.Store, datasetId, count: 4, seconds: 2, rate: 44100, channels: 2);
            var job = first.Client.GetGrain<IJobGrain>(jobId);
            await job.StartAsync(TestData.Mixup(datasetId, 11, $$"""{"count": {{Units}}}"""));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            // Wait for at least one checkpoint (written about once a second) so the restart has something to skip.
            while ((before = (await job.GetStatusAsync())!).Completed < 5 || before.Completed == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the job made no progress");
                await Task.Delay(20);
            }

            Assert.Equal(JobState.Running, before.State);
            recorded = (await job.GetOutputsAsync(0, 1000)).Items.Select(o => o.Index).ToList();
            await first.Cluster.StopSiloAsync(first.Cluster.Silos[0]);
        }
        finally
        {
            await first.DisposeAsync();
        }

        var persistedBefore = (await TestData.ListKeysAsync(first.Store, JobKeys.OutputsPrefix(jobId))).Count;
        Assert.InRange(persistedBefore, 1, Units - 1);
        // Outputs the job had recorded when it stopped are checkpointed: the resumed job must not render them again.
        var etags = new Dictionary<int, string>();
        foreach (var index in recorded)
        {
            etags[index] = (await first.Store.GetPropertiesAsync(JobKeys.Output(jobId, index)))!.ETag;
        }

        var second = ClusterFixture.Restart(data, serviceId);
        try
        {
            await second.InitializeAsync();
            // No call wakes the job (a status call would activate it): the startup task must find it in the
            // catalog, so watch only the store until the manifest appears.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await second.Store.GetPropertiesAsync(JobKeys.Manifest(jobId)) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the job was not resumed at silo start");
                await Task.Delay(50);
            }

            var (status, _) = await TestData.WaitAsync(second.Client, jobId, TimeSpan.FromSeconds(30));

            Assert.True(status.State == JobState.Completed, $"resumed job ended {status.State}: {status.Error}");
            Assert.Equal(Units, status.Total);
            Assert.Equal(Units, status.Completed);
            Assert.Equal(0, status.Failed);
            var keys = await TestData.ListKeysAsync(second.Store, JobKeys.OutputsPrefix(jobId));
            Assert.Equal(Enumerable.Range(0, Units).Select(i => JobKeys.Output(jobId, i)).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
            var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(second.Store, JobKeys.Manifest(jobId)));
            var paths = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("audio_filepath").GetString()).ToList();
            Assert.Equal(Units, paths.Count);
            Assert.Equal(Units, paths.Distinct().Count());
            var outputs = (await second.Client.GetGrain<IJobGrain>(jobId).GetOutputsAsync(0, 1000)).Items;
            Assert.Equal(Enumerable.Range(0, Units), outputs.Select(o => o.Index));
            Assert.NotEmpty(etags);
            foreach (var (index, etag) in etags)
            {
                Assert.Equal(etag, (await second.Store.GetPropertiesAsync(JobKeys.Output(jobId, index)))!.ETag);
            }
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
