namespace AudioMix.Abstractions.Datasets;

/// <summary>
/// Counts of a dataset's items that the ops' capacity rules need besides the item count: items with a caption
/// (<c>caption_mix</c>) and items whose metadata <c>"role"</c> is <c>"reference"</c> or <c>"estimate"</c> (material for
/// <c>score</c>, not mixtures to separate). Kept by the dataset grain from each page write's delta, so a preflight reads
/// them without reading the items.
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ItemTally")]
public sealed record ItemTally(int Captioned, int ScoringMaterial)
{
    /// <summary>No items.</summary>
    public static ItemTally Zero { get; } = new(0, 0);

    public static ItemTally operator +(ItemTally left, ItemTally right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.Captioned + right.Captioned, left.ScoringMaterial + right.ScoringMaterial);
    }

    public static ItemTally operator -(ItemTally left, ItemTally right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.Captioned - right.Captioned, left.ScoringMaterial - right.ScoringMaterial);
    }
}
