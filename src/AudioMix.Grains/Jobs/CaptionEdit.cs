using System.Text.Json.Nodes;

namespace AudioMix.Grains.Jobs;

/// <summary>A reviewer's edit of an output's caption: validated, and the original kept in the provenance.</summary>
public static class CaptionEdit
{
    /// <summary>The longest caption accepted (Clotho captions are 8–20 words; this leaves ample room).</summary>
    public const int MaxLength = 500;

    /// <summary>
    /// The output with <paramref name="caption"/> as its caption; its provenance keeps the caption it had
    /// before the first edit as <c>originalCaption</c>. Throws <see cref="ArgumentException"/> for an empty,
    /// multi-line or over-long caption, or an output without a caption.
    /// </summary>
    public static JobOutput Apply(JobOutput output, string? caption)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = caption?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            throw new ArgumentException("The caption must not be empty.", nameof(caption));
        }

        if (text.Length > MaxLength)
        {
            throw new ArgumentException($"The caption is {text.Length} characters; at most {MaxLength} are allowed.", nameof(caption));
        }

        if (text.Any(char.IsControl))
        {
            throw new ArgumentException("The caption must be one line without control characters.", nameof(caption));
        }

        if (output.Error is not null || output.OutputKey is null || output.Caption is null)
        {
            throw new ArgumentException($"Output {output.Index} has no caption to edit.", nameof(output));
        }

        var provenance = JsonNode.Parse(output.ProvenanceJson) as JsonObject ?? [];
        provenance["originalCaption"] ??= output.Caption;
        provenance["captionEdited"] = true;
        return output with { Caption = text, ProvenanceJson = provenance.ToJsonString() };
    }
}
