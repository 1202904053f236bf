namespace AudioMix.Grains.Datasets;

/// <summary>Persisted state of one page of a dataset: at most <see cref="IDatasetPageGrain.Capacity"/> items in upload order.</summary>
[GenerateSerializer, Alias("AudioMix.DatasetPageState")]
public sealed class DatasetPageState
{
    [Id(0)] public List<DatasetItem> Items { get; set; } = [];
}

/// <summary>
/// Holds one page of a dataset's items. Its state is bounded by the page capacity, so a write costs the same
/// whatever the dataset's size; only <see cref="DatasetGrain"/> calls it (it is the single writer).
/// </summary>
internal sealed class DatasetPageGrain(
    [PersistentState("datasetPage", StorageNames.GrainState)] IPersistentState<DatasetPageState> state) : Grain, IDatasetPageGrain
{
    // Position of each item by id, built on first use; the page's items only change through UpsertAsync.
    private Dictionary<string, int>? _positions;

    public async Task<PageUpsert> UpsertAsync(int committed, IReadOnlyList<DatasetItem> items)
    {
        var list = state.State.Items;
        if (list.Count > committed)
        {
            // Written by an add whose dataset grain never recorded it: not part of the dataset, so drop it.
            list.RemoveRange(committed, list.Count - committed);
            _positions = null;
        }

        var positions = Positions();
        var added = 0;
        var delta = 0.0;
        var tally = ItemTally.Zero;
        List<DatasetItem>? rejected = null;
        foreach (var item in items)
        {
            if (positions.TryGetValue(item.ItemId, out var at))
            {
                delta += item.Duration - list[at].Duration;
                tally += ItemTallies.Of(item) - ItemTallies.Of(list[at]);
                list[at] = item;
            }
            else if (list.Count < IDatasetPageGrain.Capacity)
            {
                positions[item.ItemId] = list.Count;
                list.Add(item);
                delta += item.Duration;
                tally += ItemTallies.Of(item);
                added++;
            }
            else
            {
                (rejected ??= []).Add(item);
            }
        }

        if (items.Count > (rejected?.Count ?? 0))
        {
            await state.WriteStateAsync();
        }

        return new PageUpsert(list.Count, added, delta, rejected ?? [], tally);
    }

    public Task<IReadOnlyList<DatasetItem>> GetRangeAsync(int committed, int start, int count)
    {
        var end = Math.Min(Math.Min(committed, state.State.Items.Count), start + Math.Max(0, count));
        start = Math.Max(0, start);
        IReadOnlyList<DatasetItem> range = start >= end ? [] : state.State.Items.GetRange(start, end - start);
        return Task.FromResult(range);
    }

    public Task<IReadOnlyList<DatasetItem>> GetByIdAsync(int committed, IReadOnlyList<string> itemIds)
    {
        var positions = Positions();
        var found = new List<DatasetItem>(itemIds.Count);
        foreach (var id in itemIds)
        {
            if (positions.TryGetValue(id, out var at) && at < committed)
            {
                found.Add(state.State.Items[at]);
            }
        }

        return Task.FromResult<IReadOnlyList<DatasetItem>>(found);
    }

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        _positions = null;
        DeactivateOnIdle();
    }

    private Dictionary<string, int> Positions()
    {
        if (_positions is null)
        {
            var items = state.State.Items;
            _positions = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                _positions[items[i].ItemId] = i;
            }
        }

        return _positions;
    }
}
