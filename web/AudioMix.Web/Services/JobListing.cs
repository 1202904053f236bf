using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Services;

/// <summary>
/// The jobs list as people expect it: every job from the catalog, with live counts for unfinished ones. The catalog
/// hears of a job's state changes only (not of every checkpoint, which would make it a write hot spot), so a running
/// job's progress is asked of the job itself — a handful of calls, made in parallel.
/// </summary>
internal static class JobListing
{
    public static async Task<IReadOnlyList<JobStatus>> ListAsync(IGrainFactory grains)
    {
        var jobs = await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListAsync();
        var live = await Task.WhenAll(jobs.Select(j => j.IsFinished ? Task.FromResult<JobStatus?>(j) : grains.GetGrain<IJobGrain>(j.JobId).GetStatusAsync()));
        return [.. jobs.Select((j, i) => live[i] ?? j)];
    }
}
