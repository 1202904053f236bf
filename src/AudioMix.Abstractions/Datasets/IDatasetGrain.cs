namespace AudioMix.Abstractions.Datasets;

/// <summary>One dataset (keyed by its id): metadata and the item list. Audio bytes live in blob storage.</summary>
[Alias("AudioMix.IDatasetGrain")]
public interface IDatasetGrain : IGrainWithStringKey
{
    /// <summary>Creates the dataset; fails if it already exists.</summary>
    [Alias("Create")]
    Task<DatasetSummary> CreateAsync(string name, DatasetKind kind);

    /// <summary>The dataset, or null if it was never created.</summary>
    [Alias("Get")]
    Task<DatasetSummary?> GetAsync();

    /// <summary>Adds analysed items; an item whose id exists is replaced.</summary>
    [Alias("AddItems")]
    Task<DatasetSummary> AddItemsAsync(IReadOnlyList<DatasetItem> items);

    /// <summary>A page of items in id order.</summary>
    [Alias("GetItems")]
    Task<ItemPage> GetItemsAsync(int offset, int limit);

    /// <summary>One item, or null.</summary>
    [Alias("GetItem")]
    Task<DatasetItem?> GetItemAsync(string itemId);

    /// <summary>Every item in id order (planning reads the whole list once).</summary>
    [Alias("GetAllItems")]
    Task<IReadOnlyList<DatasetItem>> GetAllItemsAsync();
}

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
}
