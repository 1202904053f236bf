namespace AudioMix.Grains.Jobs;

/// <summary>Persisted state of the job catalog.</summary>
[GenerateSerializer, Alias("AudioMix.JobCatalogState")]
public sealed class JobCatalogState
{
    [Id(0)] public Dictionary<string, JobStatus> Jobs { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Every job's latest status: the jobs list, and the set of unfinished jobs to resume at silo start.</summary>
internal sealed class JobCatalogGrain(
    [PersistentState("jobs", StorageNames.GrainState)] IPersistentState<JobCatalogState> state) : Grain, IJobCatalogGrain
{
    public async Task UpsertAsync(JobStatus status)
    {
        state.State.Jobs[status.JobId] = status;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<JobStatus>> ListAsync() =>
        Task.FromResult<IReadOnlyList<JobStatus>>(
            state.State.Jobs.Values.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.JobId, StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<string>> ListUnfinishedAsync() =>
        Task.FromResult<IReadOnlyList<string>>(
            state.State.Jobs.Values.Where(j => !j.IsFinished).Select(j => j.JobId).Order(StringComparer.Ordinal).ToArray());

    public async Task RemoveAsync(string jobId)
    {
        if (state.State.Jobs.Remove(jobId))
        {
            await state.WriteStateAsync();
        }
    }
}
