using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioMix.Web.Services;

/// <summary>One source of an output, as its provenance records it.</summary>
internal sealed record ProvenanceSource(string ItemId, string? Role, string? FileName, double? Weight, double? GainDb);

/// <summary>Reads an output's provenance JSON for display: indented text and the source items it was made from.</summary>
internal static class Provenance
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "{}";
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>The <c>sources</c> array's entries that name an item; anything else is skipped, never thrown on.</summary>
    public static IReadOnlyList<ProvenanceSource> Sources(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            if (JsonNode.Parse(json) is not JsonObject root || root["sources"] is not JsonArray sources)
            {
                return [];
            }

            return sources.OfType<JsonObject>()
                .Where(s => s["item"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                .Select(s => new ProvenanceSource(
                    s["item"]!.GetValue<string>(),
                    Str(s["role"]),
                    Str(s["file"]),
                    Num(s["weight"]),
                    Num(s["gainDb"])))
                .ToArray();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The learned model an output was made with (provenance <c>model</c>: name and licence, e.g. htdemucs under
    /// research-only), or <see langword="null"/> for weight-free methods and unreadable JSON.
    /// </summary>
    public static (string Name, string License)? LearnedModel(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) is JsonObject root && root["model"] is JsonObject model && Str(model["name"]) is { } name
                ? (name, Str(model["license"]) ?? "unknown licence")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Num(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
