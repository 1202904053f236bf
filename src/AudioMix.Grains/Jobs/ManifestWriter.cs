using System.Text;
using System.Text.Json.Nodes;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// Training manifests as JSON lines in NeMo's shape (<c>audio_filepath</c>, <c>duration</c>, plus
/// <c>label</c>/<c>caption</c>/<c>text</c>) with AudioMix's <c>provenance</c> object on every line.
/// Paths are relative to the job's output archive (<c>outputs/000000.wav</c>).
/// </summary>
public static class ManifestWriter
{
    /// <summary>One line per rendered, non-rejected output, in unit order.</summary>
    public static string Build(IEnumerable<JobOutput> outputs)
    {
        var sb = new StringBuilder();
        foreach (var output in outputs.Where(o => o.OutputKey is not null && o.Error is null && o.Review != ReviewState.Rejected).OrderBy(o => o.Index))
        {
            var line = new JsonObject
            {
                ["audio_filepath"] = "outputs/" + JobKeys.RelativeOutput(output.Index),
                ["duration"] = Math.Round(output.Duration, 6),
            };
            if (output.Label is not null)
            {
                line["label"] = output.Label;
            }

            if (output.SoftLabels is { Count: > 0 } soft)
            {
                var obj = new JsonObject();
                foreach (var (k, v) in soft.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    obj[k] = Math.Round(v, 6);
                }

                line["soft_labels"] = obj;
            }

            if (output.Caption is not null)
            {
                line["caption"] = output.Caption;
            }

            if (output.Text is not null)
            {
                line["text"] = output.Text;
            }

            line["provenance"] = JsonNode.Parse(output.ProvenanceJson);
            sb.Append(line.ToJsonString()).Append('\n');
        }

        return sb.ToString();
    }
}
