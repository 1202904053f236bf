using AudioMix.Grains.Operations;

namespace AudioMix.Grains.Datasets;

/// <summary>What an item adds to its dataset's <see cref="ItemTally"/>: the one place that says what counts as captioned or as scoring material.</summary>
internal static class ItemTallies
{
    private static readonly ItemTally Captioned = new(1, 0);
    private static readonly ItemTally Scoring = new(0, 1);
    private static readonly ItemTally Both = new(1, 1);

    /// <summary>The item's share of the tally.</summary>
    public static ItemTally Of(DatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (!string.IsNullOrWhiteSpace(item.Caption), IsScoringMaterial(item)) switch
        {
            (true, true) => Both,
            (true, false) => Captioned,
            (false, true) => Scoring,
            _ => ItemTally.Zero,
        };
    }

    /// <summary>Items whose metadata <c>"role"</c> is <c>"reference"</c> or <c>"estimate"</c>: ground truth or results for <c>score</c>.</summary>
    public static bool IsScoringMaterial(DatasetItem item) => ItemMetadata.Text(item, "role") is "reference" or "estimate";

    /// <summary>The tally of <paramref name="items"/>.</summary>
    public static ItemTally Sum(IEnumerable<DatasetItem> items) => items.Aggregate(ItemTally.Zero, (tally, item) => tally + Of(item));
}
