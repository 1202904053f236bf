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

    public Task<OutputPage> GetOutputsAsync(string jobId, int offset, int limit, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).GetOutputsAsync(offset, limit);

    public Task<JobOutput?> ReviewAsync(string jobId, int index, ReviewState review, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).ReviewAsync(index, review);

    public Task<JobOutput?> EditCaptionAsync(string jobId, int index, string caption, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).EditCaptionAsync(index, caption);

    public Task<JobStatus?> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IJobGrain>(jobId).CancelAsync();
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
