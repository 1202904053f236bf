namespace AudioMix.Grains.Datasets;

/// <summary>Persisted state of the dataset catalog.</summary>
[GenerateSerializer, Alias("AudioMix.DatasetCatalogState")]
public sealed class DatasetCatalogState
{
    [Id(0)] public Dictionary<string, DatasetSummary> Datasets { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The list of datasets, so listing never has to activate every dataset grain.</summary>
internal sealed class DatasetCatalogGrain(
    [PersistentState("datasets", StorageNames.GrainState)] IPersistentState<DatasetCatalogState> state) : Grain, IDatasetCatalogGrain
{
    public async Task UpsertAsync(DatasetSummary summary)
    {
        state.State.Datasets[summary.Id] = summary;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DatasetSummary>> ListAsync() =>
        Task.FromResult<IReadOnlyList<DatasetSummary>>(
            state.State.Datasets.Values.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToArray());

    public async Task RemoveAsync(string datasetId)
    {
        if (state.State.Datasets.Remove(datasetId))
        {
            await state.WriteStateAsync();
        }
    }
}
