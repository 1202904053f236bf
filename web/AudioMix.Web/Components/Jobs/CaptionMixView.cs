using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Components.Jobs;

/// <summary>What the dashboard shows of a caption_mix output, read from its provenance.</summary>
internal sealed record CaptionMixView(
    IReadOnlyList<string> SourceCaptions,
    IReadOnlyList<string> Variants,
    IReadOnlyList<(string Reply, string Reason)> Rejected,
    string? Merger,
    string? Fallback,
    string? OriginalCaption)
{
    public static CaptionMixView From(JobOutput output)
    {
        var p = JsonNode.Parse(output.ProvenanceJson) as JsonObject ?? [];
        return new CaptionMixView(
            Strings(p["sourceCaptions"]),
            Strings(p["captions"]),
            (p["rejected"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(r => (r["reply"]?.GetValue<string>() ?? string.Empty, r["reason"]?.GetValue<string>() ?? string.Empty)).ToArray(),
            p["merger"]?.GetValue<string>(),
            p["fallback"]?.GetValue<string>(),
            p["originalCaption"]?.GetValue<string>());
    }

    private static string[] Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? string.Empty).ToArray();
}
