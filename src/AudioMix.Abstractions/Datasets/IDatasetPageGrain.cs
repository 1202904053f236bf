using Orleans.Concurrency;

namespace AudioMix.Abstractions.Datasets;

/// <summary>
/// Up to <see cref="Capacity"/> items of one dataset, in upload order (key <c>{datasetId}/{pageNo}</c>). Only the
/// dataset grain calls it: it is the single writer that decides which items go where, and it passes the number of
/// items it has committed to this page, so items written by an add that never committed (a crash between the page's
/// write and the dataset's) are ignored by reads and dropped by the next write.
/// </summary>
[Alias("AudioMix.IDatasetPageGrain")]
public interface IDatasetPageGrain : IGrainWithStringKey
{
    /// <summary>The most items a page holds.</summary>
    const int Capacity = 1000;

    /// <summary>
    /// Replaces the items whose ids are among the first <paramref name="committed"/> and appends the others while the
    /// page has room; answers what changed and which items did not fit (in the order given).
    /// </summary>
    [Alias("Upsert")]
    Task<PageUpsert> UpsertAsync(int committed, IReadOnlyList<DatasetItem> items);

    /// <summary>Items <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of the first <paramref name="committed"/>.</summary>
    [Alias("GetRange")]
    [ReadOnly]
    Task<IReadOnlyList<DatasetItem>> GetRangeAsync(int committed, int start, int count);

    /// <summary>The items with these ids among the first <paramref name="committed"/> (any order; unknown ids left out).</summary>
    [Alias("GetById")]
    [ReadOnly]
    Task<IReadOnlyList<DatasetItem>> GetByIdAsync(int committed, IReadOnlyList<string> itemIds);

    /// <summary>Deletes the page's stored state and deactivates it (the dataset is being deleted).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}

/// <summary>What a page upsert did.</summary>
/// <param name="Count">Items on the page now.</param>
/// <param name="Added">Items appended.</param>
/// <param name="DurationDelta">Seconds added, counting replaced items' change.</param>
/// <param name="Rejected">Items that were neither on the page nor fitted on it.</param>
/// <param name="TallyDelta">Captioned and scoring items added, counting replaced items' change.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.PageUpsert")]
public sealed record PageUpsert(int Count, int Added, double DurationDelta, IReadOnlyList<DatasetItem> Rejected, ItemTally TallyDelta);

/// <summary>
/// One of a fixed number of hash buckets mapping item ids the dataset did not mint (see
/// <see cref="IDatasetGrain.NewItemIdsAsync"/>) to their page (key <c>{datasetId}/ids/{bucket}</c>). Written only by the
/// dataset grain.
/// </summary>
[Alias("AudioMix.IDatasetIdIndexGrain")]
public interface IDatasetIdIndexGrain : IGrainWithStringKey
{
    /// <summary>The pages of those ids that are indexed.</summary>
    [Alias("Lookup")]
    [ReadOnly]
    Task<IReadOnlyDictionary<string, int>> LookupAsync(IReadOnlyList<string> itemIds);

    /// <summary>Records (or moves) ids to pages.</summary>
    [Alias("Put")]
    Task PutAsync(IReadOnlyDictionary<string, int> pages);

    /// <summary>Deletes the bucket's stored state and deactivates it (the dataset is being deleted).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}

/// <summary>Grain keys of a dataset's pages and id-index buckets.</summary>
public static class DatasetGrainKeys
{
    /// <summary>The key of page <paramref name="pageNo"/> of a dataset.</summary>
    public static string Page(string datasetId, int pageNo) => $"{datasetId}/{pageNo}";

    /// <summary>The key of id-index bucket <paramref name="bucket"/> of a dataset.</summary>
    public static string IdBucket(string datasetId, int bucket) => $"{datasetId}/ids/{bucket}";
}
