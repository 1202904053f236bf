using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Security;

namespace AudioMix.Web.Services;

/// <summary>What the dashboard needs from datasets; components depend on this, not on Orleans, so tests can fake it.</summary>
internal interface IDatasetService
{
    Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default);

    Task<DatasetSummary?> GetAsync(string datasetId, CancellationToken cancellationToken = default);

    Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, CancellationToken cancellationToken = default);

    Task<ItemPage> GetItemsAsync(string datasetId, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Renames a dataset (blank names throw <see cref="ArgumentException"/>); null when it does not exist.</summary>
    Task<DatasetSummary?> RenameAsync(string datasetId, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a dataset unless unfinished jobs use it (the outcome names them).</summary>
    Task<DatasetDeletion> DeleteAsync(string datasetId, CancellationToken cancellationToken = default);
}

/// <summary>What the dashboard needs from jobs.</summary>
internal interface IJobService
{
    Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken cancellationToken = default);

    Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Starts a job under a new id; invalid specs throw <see cref="ArgumentException"/>, unknown datasets <see cref="KeyNotFoundException"/>.</summary>
    Task<JobStatus> StartAsync(JobSpec spec, CancellationToken cancellationToken = default);

    Task<OutputPage> GetOutputsAsync(string jobId, int offset, int limit, CancellationToken cancellationToken = default);

    Task<JobOutput?> ReviewAsync(string jobId, int index, ReviewState review, CancellationToken cancellationToken = default);

    /// <summary>Replaces an output's caption; invalid captions throw <see cref="ArgumentException"/>.</summary>
    Task<JobOutput?> EditCaptionAsync(string jobId, int index, string caption, CancellationToken cancellationToken = default);

    Task<JobStatus?> CancelAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>The operations a recipe can name, with their parameter schemas and defaults (the cluster's registry).</summary>
    Task<IReadOnlyList<OperationDescriptor>> GetOperationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks a job without creating it: errors (what to change) and each step's capacity.</summary>
    Task<JobValidation> ValidateAsync(JobSpec spec, CancellationToken cancellationToken = default);

    /// <summary>A page of outputs through a filter and sort; a bad filter or sort field throws <see cref="ArgumentException"/>.</summary>
    Task<OutputPage> QueryOutputsAsync(string jobId, OutputQuery query, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records a verdict on every output passing <paramref name="filter"/> (all when null); answers how many changed.</summary>
    Task<int> ReviewMatchingAsync(string jobId, string? filter, ReviewState review, CancellationToken cancellationToken = default);

    /// <summary>Accepted, rejected and pending counts per op.</summary>
    Task<ReviewSummary> GetReviewSummaryAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job (cancelled first if unfinished); false when it does not exist.</summary>
    Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default);
}

/// <summary>Datasets through the grains (the same calls the REST API makes), limited to what the signed-in caller sees.</summary>
internal sealed class GrainDatasetService(IGrainFactory grains, ICurrentCaller callers) : IDatasetService
{
    public async Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var caller = await callers.GetAsync();
        return [.. (await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).ListAsync()).Where(d => caller.Sees(d.Owner))];
    }

    public async Task<DatasetSummary?> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IDatasetGrain>(datasetId).GetAsync() is { } dataset && (await callers.GetAsync()).Sees(dataset.Owner) ? dataset : null;

    public async Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var caller = await callers.GetAsync();
        if (!caller.CanWrite)
        {
            throw new UnauthorizedAccessException("A reader key cannot create datasets.");
        }

        return await grains.GetGrain<IDatasetGrain>(NewId()).CreateAsync(name.Trim(), kind, caller.Owner);
    }

    public async Task<ItemPage> GetItemsAsync(string datasetId, int offset, int limit, CancellationToken cancellationToken = default) =>
        await GetAsync(datasetId, cancellationToken) is null
            ? new ItemPage([], offset, 0)
            : await grains.GetGrain<IDatasetGrain>(datasetId).GetItemsAsync(offset, limit);

    public async Task<DatasetSummary?> RenameAsync(string datasetId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return await ChangeableAsync(datasetId, cancellationToken) ? await grains.GetGrain<IDatasetGrain>(datasetId).RenameAsync(name) : null;
    }

    public async Task<DatasetDeletion> DeleteAsync(string datasetId, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(datasetId, cancellationToken)
            ? await grains.GetGrain<IDatasetGrain>(datasetId).DeleteAsync()
            : new DatasetDeletion(DatasetDeletionOutcome.NotFound, []);

    // A reader's circuit changes nothing; another owner's dataset "does not exist".
    private async Task<bool> ChangeableAsync(string datasetId, CancellationToken cancellationToken) =>
        (await callers.GetAsync()).CanWrite && await GetAsync(datasetId, cancellationToken) is not null;

    // Same id shape as POST /api/datasets.
    internal static string NewId() => Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Jobs through the grains (the same calls the REST API makes), limited to what the signed-in caller sees and may do.</summary>
internal sealed class GrainJobService(IGrainFactory grains, ICurrentCaller callers, JobSubmissions submissions) : IJobService
{
    public async Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var caller = await callers.GetAsync();
        return [.. (await JobListing.ListAsync(grains)).Where(j => caller.Sees(j.Owner))];
    }

    public async Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IJobGrain>(jobId).GetStatusAsync() is { } status && (await callers.GetAsync()).Sees(status.Owner) ? status : null;

    public async Task<JobStatus> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        var caller = await callers.GetAsync();
        if (!caller.CanWrite)
        {
            throw new UnauthorizedAccessException("A reader key cannot start jobs.");
        }

        return await submissions.SubmitAsync(caller, spec);
    }

    public Task<IReadOnlyList<OperationDescriptor>> GetOperationsAsync(CancellationToken cancellationToken = default) =>
        grains.GetGrain<IOperationCatalogGrain>(0).ListAsync();

    public async Task<JobValidation> ValidateAsync(JobSpec spec, CancellationToken cancellationToken = default) =>
        await submissions.ValidateAsync(await callers.GetAsync(), spec);

    public async Task<OutputPage> QueryOutputsAsync(string jobId, OutputQuery query, int offset, int limit, CancellationToken cancellationToken = default) =>
        await SeenAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).QueryOutputsAsync(query, offset, limit) : new OutputPage([], offset, 0);

    public async Task<int> ReviewMatchingAsync(string jobId, string? filter, ReviewState review, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).ReviewMatchingAsync(filter, review) : 0;

    public async Task<ReviewSummary> GetReviewSummaryAsync(string jobId, CancellationToken cancellationToken = default) =>
        await SeenAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).GetReviewSummaryAsync() : new ReviewSummary([]);

    public async Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(jobId) && await grains.GetGrain<IJobGrain>(jobId).DeleteAsync();

    public async Task<OutputPage> GetOutputsAsync(string jobId, int offset, int limit, CancellationToken cancellationToken = default) =>
        await SeenAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).GetOutputsAsync(offset, limit) : new OutputPage([], offset, 0);

    public async Task<JobOutput?> ReviewAsync(string jobId, int index, ReviewState review, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).ReviewAsync(index, review) : null;

    public async Task<JobOutput?> EditCaptionAsync(string jobId, int index, string caption, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).EditCaptionAsync(index, caption) : null;

    public async Task<JobStatus?> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        await ChangeableAsync(jobId) ? await grains.GetGrain<IJobGrain>(jobId).CancelAsync() : null;

    private async Task<bool> SeenAsync(string jobId) => await GetStatusAsync(jobId) is not null;

    private async Task<bool> ChangeableAsync(string jobId) => (await callers.GetAsync()).CanWrite && await SeenAsync(jobId);
}

/// <summary>What the dashboard needs from the model registry.</summary>
internal interface IModelService
{
    /// <summary>The pinned learned models and their installation state (the cluster's answer).</summary>
    Task<IReadOnlyList<AudioMix.Abstractions.Models.ModelInfo>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>Models through the grains (the same call <c>GET /api/models</c> makes).</summary>
internal sealed class GrainModelService(IGrainFactory grains) : IModelService
{
    public Task<IReadOnlyList<AudioMix.Abstractions.Models.ModelInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        grains.GetGrain<AudioMix.Abstractions.Models.IModelCatalogGrain>(0).ListAsync();
}
