using System.Text.Json.Nodes;

namespace AudioMix.Grains.Operations;

/// <summary>
/// A typed reference to one source of an output, as the manifest's provenance describes it; every op builds its
/// <c>sources</c> entries from these so they read alike. JSON: <c>role</c> (when given), <c>item</c>, <c>file</c>,
/// <c>blob</c>, <c>sha256</c>, then those of <c>weight</c> (6 decimals), <c>gainDb</c> (3) and <c>offsetSeconds</c> (6) that
/// are set, then the op's <see cref="Extras"/> in order, then <c>caption</c> when <see cref="WithCaption"/>.
/// </summary>
/// <param name="Item">The dataset item.</param>
/// <param name="Role">Its role in the output ("anchor", "partner", "first", "mixture", …); null leaves it out.</param>
public sealed record SourceRef(DatasetItem Item, string? Role = null)
{
    /// <summary>Its mixing weight (λ or 1 − λ).</summary>
    public double? Weight { get; init; }

    /// <summary>Gain applied to it, dB.</summary>
    public double? GainDb { get; init; }

    /// <summary>Where it was cut, seconds into it.</summary>
    public double? OffsetSeconds { get; init; }

    /// <summary>Op-specific fields (already rounded), written after the common ones.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Extras { get; init; } = [];

    /// <summary>Whether to record the item's caption (null when it has none).</summary>
    public bool WithCaption { get; init; }

    /// <summary>The provenance JSON of this source.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Role is not null)
        {
            json["role"] = Role;
        }

        json["item"] = Item.ItemId;
        json["file"] = Item.FileName;
        json["blob"] = Item.BlobKey;
        json["sha256"] = Item.ContentHash;
        if (Weight is { } weight)
        {
            json["weight"] = Math.Round(weight, 6);
        }

        if (GainDb is { } gain)
        {
            json["gainDb"] = Math.Round(gain, 3);
        }

        if (OffsetSeconds is { } offset)
        {
            json["offsetSeconds"] = Math.Round(offset, 6);
        }

        foreach (var (name, value) in Extras)
        {
            json[name] = value;
        }

        if (WithCaption)
        {
            json["caption"] = Item.Caption;
        }

        return json;
    }

    /// <summary>The <c>sources</c> array of <paramref name="sources"/>.</summary>
    public static JsonArray Array(params SourceRef[] sources) => new([.. sources.Select(s => (JsonNode)s.ToJson())]);
}
