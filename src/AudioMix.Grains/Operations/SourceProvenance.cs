using System.Text.Json.Nodes;

namespace AudioMix.Grains.Operations;

/// <summary>The manifest's description of one source of a mixed output (shared by the mixing ops so their provenance reads alike).</summary>
internal static class SourceProvenance
{
    /// <summary>Role, item, file, blob, hash, weight, loudness gain and where the source was cut (seconds into it).</summary>
    public static JsonObject Describe(DatasetItem item, string role, double weight, double gainDb, double offsetSeconds) => new()
    {
        ["role"] = role,
        ["item"] = item.ItemId,
        ["file"] = item.FileName,
        ["blob"] = item.BlobKey,
        ["sha256"] = item.ContentHash,
        ["weight"] = Math.Round(weight, 6),
        ["gainDb"] = Math.Round(gainDb, 3),
        ["offsetSeconds"] = Math.Round(offsetSeconds, 6),
    };
}
