namespace AudioMix.Grains.Datasets;

/// <summary>
/// Persisted state of a dataset grain: a bounded summary. The items themselves live in page grains
/// (<see cref="DatasetPageState"/>); this state grows by one number per 1,000 items.
/// </summary>
[GenerateSerializer, Alias("AudioMix.DatasetState")]
public sealed class DatasetState
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public DatasetKind Kind { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Items as datasets stored them before pages existed (id → item). Read on activation, moved into pages and
    /// cleared; always null afterwards.
    /// </summary>
    [Id(3)] public Dictionary<string, DatasetItem>? Items { get; set; }

    /// <summary>
    /// Committed items per page, by page number; the page grains ignore anything past these counts. Its length is the
    /// number of pages opened (a page reserved for ids never used stays short, or empty).
    /// </summary>
    [Id(4)] public List<int> PageCounts { get; set; } = [];

    /// <summary>Slots of the last page already promised: filled, or reserved for minted ids not yet added.</summary>
    [Id(5)] public int LastPageUsed { get; set; }

    /// <summary>Sum of the items' durations, kept by deltas so nothing has to be summed over all items.</summary>
    [Id(6)] public double TotalDuration { get; set; }

    /// <summary>
    /// Whether some minted id had to be stored in the id index (its page was full, or the id was made up by a caller).
    /// Until then a minted id missing from its page is known to be absent without asking the index.
    /// </summary>
    [Id(7)] public bool MintedIdsIndexed { get; set; }

    /// <summary>
    /// The dataset is being deleted (set once no unfinished job uses it, before anything is removed): it answers as
    /// unknown, and a deletion cut short is finished by the next <see cref="IDatasetGrain.DeleteAsync"/>.
    /// </summary>
    [Id(8)] public bool Deleting { get; set; }

    /// <summary>The owner (tenant) of the key that created the dataset; null in datasets saved before owners (<see cref="Owners.Default"/>).</summary>
    [Id(9)] public string? Owner { get; set; }

    /// <summary>Captioned and scoring items (see <see cref="ItemTally"/>), kept by deltas like <see cref="TotalDuration"/>.</summary>
    [Id(10)] public ItemTally Tally { get; set; } = ItemTally.Zero;

    /// <summary>
    /// <see cref="Tally"/> has been kept since creation (or counted once over the items): false only in datasets saved
    /// before tallies, which count their items once on activation.
    /// </summary>
    [Id(11)] public bool Tallied { get; set; }
}
