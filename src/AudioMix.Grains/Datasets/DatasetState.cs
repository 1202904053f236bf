namespace AudioMix.Grains.Datasets;

/// <summary>Persisted state of a dataset grain.</summary>
[GenerateSerializer, Alias("AudioMix.DatasetState")]
public sealed class DatasetState
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public DatasetKind Kind { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Items by id; ordered iteration uses <see cref="StringComparer.Ordinal"/>.</summary>
    [Id(3)] public Dictionary<string, DatasetItem> Items { get; set; } = new(StringComparer.Ordinal);
}
