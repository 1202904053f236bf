namespace AudioMix.Grains.Jobs;

/// <summary>Persisted state of the job catalog.</summary>
[GenerateSerializer, Alias("AudioMix.JobCatalogState")]
public sealed class JobCatalogState
{
    [Id(0)] public Dictionary<string, JobStatus> Jobs { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Every job's latest status: the jobs list, and the set of unfinished jobs to resume at silo start. It also keeps how
/// many unfinished jobs each owner has (in memory, from the statuses it is the only writer of: rebuilt on activation,
/// then moved by each upsert and removal), so a submission's quota check asks for one number instead of the list.
/// </summary>
internal sealed class JobCatalogGrain(
    [PersistentState("jobs", StorageNames.GrainState)] IPersistentState<JobCatalogState> state) : Grain, IJobCatalogGrain
{
    // Owners with at least one unfinished job → how many (an owner leaves when its count reaches 0: bounded by the active jobs).
    private readonly Dictionary<string, int> _activeByOwner = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var job in state.State.Jobs.Values)
        {
            CountActive(job, +1);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public async Task UpsertAsync(JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (state.State.Jobs.TryGetValue(status.JobId, out var previous))
        {
            CountActive(previous, -1);
        }

        state.State.Jobs[status.JobId] = status;
        CountActive(status, +1);
        await state.WriteStateAsync();
    }

    public Task<int> CountActiveAsync(string owner) =>
        Task.FromResult(_activeByOwner.GetValueOrDefault(Owners.OrDefault(owner)));

    public Task<IReadOnlyList<JobStatus>> ListAsync() =>
        Task.FromResult<IReadOnlyList<JobStatus>>(
            state.State.Jobs.Values.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.JobId, StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<string>> ListUnfinishedAsync() =>
        Task.FromResult<IReadOnlyList<string>>(
            state.State.Jobs.Values.Where(j => !j.IsFinished).Select(j => j.JobId).Order(StringComparer.Ordinal).ToArray());

    public async Task RemoveAsync(string jobId)
    {
        if (state.State.Jobs.Remove(jobId, out var removed))
        {
            CountActive(removed, -1);
            await state.WriteStateAsync();
        }
    }

    private void CountActive(JobStatus job, int change)
    {
        if (job.IsFinished)
        {
            return;
        }

        var owner = Owners.OrDefault(job.Owner);
        var count = _activeByOwner.GetValueOrDefault(owner) + change;
        if (count > 0)
        {
            _activeByOwner[owner] = count;
        }
        else
        {
            _activeByOwner.Remove(owner);
        }
    }
}
