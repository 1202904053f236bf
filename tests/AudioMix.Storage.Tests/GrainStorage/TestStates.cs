namespace AudioMix.Storage.Tests.GrainStorage;

/// <summary>A state record serialized by Orleans' generated codecs.</summary>
[GenerateSerializer]
[Alias("AudioMix.Storage.Tests.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public string Name { get; init; } = string.Empty;

    [Id(1)]
    public int Count { get; init; }

    [Id(2)]
    public DateTimeOffset? Updated { get; init; }
}
