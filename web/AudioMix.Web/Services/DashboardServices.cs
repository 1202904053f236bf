using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;

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

/// <summary>Datasets through the grains (the same calls the REST API makes).</summary>
internal sealed class GrainDatasetService(IGrainFactory grains) : IDatasetService
{
    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).ListAsync();

    public Task<DatasetSummary?> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDatasetGrain>(datasetId).GetAsync();

    public Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return grains.GetGrain<IDatasetGrain>(NewId()).CreateAsync(name.Trim(), kind);
    }

    public Task<ItemPage> GetItemsAsync(string datasetId, int offset, int limit, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDatasetGrain>(datasetId).GetItemsAsync(offset, limit);

    public Task<DatasetSummary?> RenameAsync(string datasetId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return grains.GetGrain<IDatasetGrain>(datasetId).RenameAsync(name);
    }

    public Task<DatasetDeletion> DeleteAsync(string datasetId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDatasetGrain>(datasetId).DeleteAsync();

    // Same id shape as POST /api/datasets.
    internal static string NewId() => Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Jobs through the grains (the same calls the REST API makes).</summary>
internal sealed class GrainJobService(IGrainFactory grains) : IJobService
{
    public Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken cancellationToken = default) => JobListing.ListAsync(grains);

    public Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).GetStatusAsync();

    public Task<JobStatus> StartAsync(JobSpec spec, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(GrainDatasetService.NewId()).StartAsync(spec);

    public Task<IReadOnlyList<OperationDescriptor>> GetOperationsAsync(CancellationToken cancellationToken = default) =>
        grains.GetGrain<IOperationCatalogGrain>(0).ListAsync();

    public Task<JobValidation> ValidateAsync(JobSpec spec, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IOperationCatalogGrain>(0).ValidateAsync(spec);

    public Task<OutputPage> QueryOutputsAsync(string jobId, OutputQuery query, int offset, int limit, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).QueryOutputsAsync(query, offset, limit);

    public Task<int> ReviewMatchingAsync(string jobId, string? filter, ReviewState review, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).ReviewMatchingAsync(filter, review);

    public Task<ReviewSummary> GetReviewSummaryAsync(string jobId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).GetReviewSummaryAsync();

    public Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).DeleteAsync();

    public Task<OutputPage> GetOutputsAsync(string jobId, int offset, int limit, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).GetOutputsAsync(offset, limit);

    public Task<JobOutput?> ReviewAsync(string jobId, int index, ReviewState review, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).ReviewAsync(index, review);

    public Task<JobOutput?> EditCaptionAsync(string jobId, int index, string caption, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).EditCaptionAsync(index, caption);

    public Task<JobStatus?> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).CancelAsync();
}
