namespace AudioMix.Grains.Datasets;

/// <summary>Holds one dataset's metadata and items; keeps the catalog's summary current.</summary>
internal sealed class DatasetGrain(
    [PersistentState("dataset", StorageNames.GrainState)] IPersistentState<DatasetState> state,
    IGrainFactory grains) : Grain, IDatasetGrain
{
    private string[]? _orderedIds;

    public async Task<DatasetSummary> CreateAsync(string name, DatasetKind kind)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dataset needs a name.", nameof(name));
        }

        if (state.State.Name is not null)
        {
            throw new InvalidOperationException($"Dataset {this.GetPrimaryKeyString()} already exists.");
        }

        state.State.Name = name.Trim();
        state.State.Kind = kind;
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        var summary = Summary();
        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).UpsertAsync(summary);
        return summary;
    }

    public Task<DatasetSummary?> GetAsync() => Task.FromResult(state.State.Name is null ? null : Summary());

    public async Task<DatasetSummary> AddItemsAsync(IReadOnlyList<DatasetItem> items)
    {
        EnsureExists();
        foreach (var item in items)
        {
            state.State.Items[item.ItemId] = item;
        }

        _orderedIds = null;
        await state.WriteStateAsync();
        var summary = Summary();
        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).UpsertAsync(summary);
        return summary;
    }

    public Task<ItemPage> GetItemsAsync(int offset, int limit)
    {
        EnsureExists();
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, 1000);
        var ids = OrderedIds();
        var page = ids.Skip(offset).Take(limit).Select(id => state.State.Items[id]).ToArray();
        return Task.FromResult(new ItemPage(page, offset, ids.Length));
    }

    public Task<DatasetItem?> GetItemAsync(string itemId) =>
        Task.FromResult(state.State.Items.GetValueOrDefault(itemId));

    public Task<IReadOnlyList<DatasetItem>> GetAllItemsAsync()
    {
        EnsureExists();
        return Task.FromResult<IReadOnlyList<DatasetItem>>(OrderedIds().Select(id => state.State.Items[id]).ToArray());
    }

    private string[] OrderedIds() => _orderedIds ??= state.State.Items.Keys.Order(StringComparer.Ordinal).ToArray();

    private void EnsureExists()
    {
        if (state.State.Name is null)
        {
            throw new KeyNotFoundException($"Dataset {this.GetPrimaryKeyString()} does not exist.");
        }
    }

    private DatasetSummary Summary() => new(
        this.GetPrimaryKeyString(),
        state.State.Name!,
        state.State.Kind,
        state.State.Items.Count,
        state.State.Items.Values.Sum(i => i.Duration),
        state.State.CreatedAt);
}
