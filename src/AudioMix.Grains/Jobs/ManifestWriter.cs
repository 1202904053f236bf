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
    /// <summary>
    /// One line per rendered, non-rejected output (rejected ones too with <paramref name="keepRejected"/>, for exports that
    /// chose their outputs by review state), in unit order; an output with audio assets (stems, segments) gets one line per
    /// asset instead, carrying the asset's name, offset and text. A reviewed output's line carries its <c>review</c>.
    /// </summary>
    public static string Build(IEnumerable<JobOutput> outputs, bool keepRejected = false)
    {
        var sb = new StringBuilder();
        foreach (var output in outputs.Where(o => o.OutputKey is not null && o.Error is null && (keepRejected || o.Review != ReviewState.Rejected)).OrderBy(o => o.Index))
        {
            var audioAssets = output.Assets?.Where(a => a.IsAudio).ToArray() ?? [];
            if (audioAssets.Length == 0)
            {
                AppendLine(sb, output, "outputs/" + JobKeys.RelativeOutput(output.Index), output.Duration, asset: null);
                continue;
            }

            foreach (var asset in audioAssets)
            {
                AppendLine(sb, output, JobKeys.ArchivePath(asset.Key), asset.Duration, asset);
            }
        }

        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, JobOutput output, string path, double duration, OutputAsset? asset)
    {
        var line = new JsonObject
        {
            ["audio_filepath"] = path,
            ["duration"] = Math.Round(duration, 6),
        };
        if (asset is not null)
        {
            line["asset"] = asset.Name;
            if (asset.Start is { } start)
            {
                line["offset"] = Math.Round(start, 6);
            }

            if (asset.End is { } end)
            {
                line["end"] = Math.Round(end, 6);
            }
        }

        if (output.Label is not null)
        {
            line["label"] = output.Label;
        }

        if (output.SoftLabels is { Count: > 0 } soft)
        {
            line["soft_labels"] = Sorted(soft);
        }

        if (output.Caption is not null)
        {
            line["caption"] = output.Caption;
        }

        if ((asset?.Text ?? output.Text) is { } text)
        {
            line["text"] = text;
        }

        if (output.Metrics is { Count: > 0 } metrics)
        {
            line["metrics"] = Sorted(metrics);
        }

        var others = output.Assets?.Where(a => !a.IsAudio).ToArray() ?? [];
        if (others.Length > 0)
        {
            var files = new JsonObject();
            foreach (var other in others)
            {
                files[other.Name] = JobKeys.ArchivePath(other.Key);
            }

            line["files"] = files;
        }

        if (output.Review != ReviewState.Pending)
        {
            line["review"] = output.Review.ToString().ToLowerInvariant();
        }

        line["provenance"] = JsonNode.Parse(output.ProvenanceJson);
        sb.Append(line.ToJsonString()).Append('\n');
    }

    private static JsonObject Sorted(IReadOnlyDictionary<string, double> values)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            obj[k] = double.IsFinite(v) ? Math.Round(v, 6) : null;
        }

        return obj;
    }
}
