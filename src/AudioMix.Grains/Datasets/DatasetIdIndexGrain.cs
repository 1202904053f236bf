namespace AudioMix.Grains.Datasets;

/// <summary>Persisted state of one id-index bucket: page number by item id.</summary>
[GenerateSerializer, Alias("AudioMix.DatasetIdIndexState")]
public sealed class DatasetIdIndexState
{
    [Id(0)] public Dictionary<string, int> Pages { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One hash bucket of the index of ids a dataset did not mint itself (ids chosen by callers, and items of datasets
/// stored before pages existed). Ids minted by <see cref="IDatasetGrain.NewItemIdsAsync"/> name their page and
/// never come here, so uploads do not pay for it.
/// </summary>
internal sealed class DatasetIdIndexGrain(
    [PersistentState("datasetIds", StorageNames.GrainState)] IPersistentState<DatasetIdIndexState> state) : Grain, IDatasetIdIndexGrain
{
    public Task<IReadOnlyDictionary<string, int>> LookupAsync(IReadOnlyList<string> itemIds)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in itemIds)
        {
            if (state.State.Pages.TryGetValue(id, out var page))
            {
                found[id] = page;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(found);
    }

    public async Task PutAsync(IReadOnlyDictionary<string, int> pages)
    {
        foreach (var (id, page) in pages)
        {
            state.State.Pages[id] = page;
        }

        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
