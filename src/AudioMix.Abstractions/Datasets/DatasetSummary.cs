namespace AudioMix.Abstractions.Datasets;

/// <summary>
/// A dataset's identity and totals; <see cref="Owner"/> is null only in catalog entries saved before owners (read as
/// <see cref="Owners.Default"/>). <see cref="CaptionedCount"/> and <see cref="ScoringItemCount"/> are the dataset
/// grain's <see cref="ItemTally"/> (0 in catalog entries).
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.DatasetSummary")]
public sealed record DatasetSummary(
    string Id,
    string Name,
    DatasetKind Kind,
    int ItemCount,
    double TotalDuration,
    DateTimeOffset CreatedAt,
    string? Owner = null,
    int CaptionedCount = 0,
    int ScoringItemCount = 0);

/// <summary>A page of items plus the total count.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ItemPage")]
public sealed record ItemPage(IReadOnlyList<DatasetItem> Items, int Offset, int Total);
