using System.Text.Json;

namespace AudioMix.Grains.Operations;

/// <summary>Reads an item's audiofolder metadata fields (stored as JSON text per field).</summary>
internal static class ItemMetadata
{
    /// <summary>The field as text (a string, or a number's literal); <see langword="null"/> when absent, another kind, or not JSON.</summary>
    public static string? Text(DatasetItem item, string name)
    {
        if (item.Metadata is null || !item.Metadata.TryGetValue(name, out var json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.String => doc.RootElement.GetString(),
                JsonValueKind.Number => doc.RootElement.GetRawText(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
