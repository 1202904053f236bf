using Orleans.Concurrency;

namespace AudioMix.Abstractions.Datasets;

/// <summary>
/// One dataset (keyed by its id): metadata and the item list. Audio bytes live in blob storage.
/// </summary>
/// <remarks>
/// Items are kept in pages of at most 1,000 (<c>IDatasetPageGrain</c>), so adding to or paging a 100k-item dataset
/// costs what it costs on a 1k one. "Upload order" below means: by page, pages in the order they were opened, and
/// inside a page in the order items were first added (replacing an item keeps its place). Ids from
/// <see cref="NewItemIdsAsync"/> name their page, so finding them needs no index; any other id is an opaque string
/// and is found through a hashed id index.
/// </remarks>
[Alias("AudioMix.IDatasetGrain")]
public interface IDatasetGrain : IGrainWithStringKey
{
    /// <summary>Creates the dataset, owned by <paramref name="owner"/> (<see cref="Owners.Default"/> when null); fails if it already exists.</summary>
    [Alias("Create")]
    Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, string? owner = null);

    /// <summary>The dataset, or null if it was never created.</summary>
    [Alias("Get")]
    Task<DatasetSummary?> GetAsync();

    /// <summary>
    /// Reserves <paramref name="count"/> fresh item ids (at most 10,000) in upload order. Each names the page its item
    /// will live in, so adding and finding it touches that page only; give them to <see cref="AddItemsAsync"/>.
    /// A reserved id that is never used leaves a hole, nothing else.
    /// </summary>
    [Alias("NewItemIds")]
    Task<IReadOnlyList<string>> NewItemIdsAsync(int count);

    /// <summary>Adds analysed items; an item whose id exists is replaced (in place), new ones are appended in upload order.</summary>
    [Alias("AddItems")]
    Task<DatasetSummary> AddItemsAsync(IReadOnlyList<DatasetItem> items);

    /// <summary>A page of items in upload order (see the interface remarks).</summary>
    [Alias("GetItems")]
    [ReadOnly]
    Task<ItemPage> GetItemsAsync(int offset, int limit);

    /// <summary>One item, or null.</summary>
    [Alias("GetItem")]
    [ReadOnly]
    Task<DatasetItem?> GetItemAsync(string itemId);

    /// <summary>The items with these ids that exist, in the order given (unknown ids are left out).</summary>
    [Alias("GetItemsById")]
    [ReadOnly]
    Task<IReadOnlyList<DatasetItem>> GetItemsByIdAsync(IReadOnlyList<string> itemIds);

    /// <summary>Every item in upload order (planning reads the whole list once).</summary>
    [Alias("GetAllItems")]
    [ReadOnly]
    Task<IReadOnlyList<DatasetItem>> GetAllItemsAsync();

    /// <summary>Renames the dataset (a non-empty name, trimmed); null if it does not exist.</summary>
    [Alias("Rename")]
    Task<DatasetSummary?> RenameAsync(string name);

    /// <summary>
    /// Deletes the dataset unless unfinished jobs use it (then nothing changes and the outcome names them): its
    /// item blobs (<c>datasets/{id}/</c>), its page and id-index grain state, its catalog entry and its own state.
    /// Outputs of finished jobs are copies and stay. The dataset is marked as being deleted first (it then answers as
    /// unknown), so a deletion cut short by a crash is completed by calling this again.
    /// </summary>
    [Alias("Delete")]
    Task<DatasetDeletion> DeleteAsync();
}

/// <summary>How a dataset deletion ended.</summary>
[GenerateSerializer]
public enum DatasetDeletionOutcome
{
    /// <summary>Deleted.</summary>
    Deleted,

    /// <summary>No such dataset.</summary>
    NotFound,

    /// <summary>Refused: unfinished jobs use the dataset (<see cref="DatasetDeletion.BlockingJobs"/>).</summary>
    InUse,
}

/// <summary>The outcome of <see cref="IDatasetGrain.DeleteAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="BlockingJobs">The unfinished jobs that use the dataset, when refused.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.DatasetDeletion")]
public sealed record DatasetDeletion(DatasetDeletionOutcome Outcome, IReadOnlyList<string> BlockingJobs);

/// <summary>The list of datasets (one grain, key <see cref="Key"/>).</summary>
[Alias("AudioMix.IDatasetCatalogGrain")]
public interface IDatasetCatalogGrain : IGrainWithStringKey
{
    /// <summary>The catalog's grain key.</summary>
    const string Key = "catalog";

    /// <summary>Adds or refreshes a dataset's summary.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(DatasetSummary summary);

    /// <summary>All datasets, newest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<DatasetSummary>> ListAsync();

    /// <summary>Forgets a dataset (it is being deleted); nothing happens for one it does not list.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string datasetId);
}
