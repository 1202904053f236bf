using System.Text;
using System.Text.Json.Nodes;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// A Hugging Face audiofolder <c>metadata.jsonl</c> for a job's captioned outputs: one line per kept output with
/// <c>file_name</c> (relative to the archive root, where this file sits) and <c>caption</c>, plus the two source
/// captions as <c>sources</c> when the provenance records them.
/// </summary>
public static class AudioFolderMetadataWriter
{
    /// <summary>The file's text; empty when no kept output has a caption.</summary>
    public static string Build(IEnumerable<JobOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var sb = new StringBuilder();
        foreach (var output in outputs.Where(o => o.OutputKey is not null && o.Error is null && o.Review != ReviewState.Rejected && o.Caption is not null).OrderBy(o => o.Index))
        {
            var line = new JsonObject
            {
                ["file_name"] = "outputs/" + JobKeys.RelativeOutput(output.Index),
                ["caption"] = output.Caption,
            };
            if (JsonNode.Parse(output.ProvenanceJson)?["sourceCaptions"] is JsonArray sources)
            {
                line["sources"] = sources.DeepClone();
            }

            sb.Append(line.ToJsonString()).Append('\n');
        }

        return sb.ToString();
    }
}
