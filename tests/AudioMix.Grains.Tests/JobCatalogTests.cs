using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

/// <summary>The job catalog's per-owner count of unfinished jobs (what a submission's quota check asks for).</summary>
[Collection(ClusterGroup.Name)]
public sealed class JobCatalogTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Active_jobs_are_counted_per_owner_as_statuses_change_and_jobs_are_removed()
    {
        var catalog = fixture.Client.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key);
        // Owners of this test only: other tests' jobs share the catalog.
        var (ann, bob) = (TestData.NewKey("ann"), TestData.NewKey("bob"));
        var jobs = new[] { TestData.NewKey("job"), TestData.NewKey("job"), TestData.NewKey("job"), TestData.NewKey("job") };
        try
        {
            await catalog.UpsertAsync(Status(jobs[0], ann, JobState.Pending));
            await catalog.UpsertAsync(Status(jobs[1], ann, JobState.Running));
            await catalog.UpsertAsync(Status(jobs[2], ann, JobState.Completed));
            await catalog.UpsertAsync(Status(jobs[3], bob, JobState.Running));
            Assert.Equal((2, 1), (await catalog.CountActiveAsync(ann), await catalog.CountActiveAsync(bob)));

            // Progress on an unfinished job changes nothing; finishing, failing or removing one frees its slot.
            await catalog.UpsertAsync(Status(jobs[0], ann, JobState.Running));
            Assert.Equal(2, await catalog.CountActiveAsync(ann));
            await catalog.UpsertAsync(Status(jobs[0], ann, JobState.Completed));
            await catalog.UpsertAsync(Status(jobs[3], bob, JobState.Failed));
            Assert.Equal((1, 0), (await catalog.CountActiveAsync(ann), await catalog.CountActiveAsync(bob)));
            await catalog.RemoveAsync(jobs[1]);
            await catalog.RemoveAsync(jobs[2]);
            Assert.Equal(0, await catalog.CountActiveAsync(ann));
            Assert.Equal(0, await catalog.CountActiveAsync(TestData.NewKey("nobody")));
        }
        finally
        {
            foreach (var job in jobs)
            {
                await catalog.RemoveAsync(job);
            }
        }
    }

    private static JobStatus Status(string jobId, string owner, JobState state) => new(
        jobId, "ds", state, 1, ["mixup"], 1, state == JobState.Completed ? 1 : 0, 0, null, DateTimeOffset.UtcNow, null, null, null, Owner: owner);
}
