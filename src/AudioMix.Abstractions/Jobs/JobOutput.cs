namespace AudioMix.Abstractions.Jobs;

/// <summary>A person's verdict on an output, shown in the dashboard and honoured by exports.</summary>
[GenerateSerializer]
public enum ReviewState
{
    /// <summary>Not reviewed.</summary>
    Pending,

    /// <summary>Kept.</summary>
    Accepted,

    /// <summary>Dropped from the manifest.</summary>
    Rejected,
}

/// <summary>One rendered unit of a job.</summary>
/// <param name="Index">Unit index (the output key is a function of job and index).</param>
/// <param name="Op">The operation that produced it.</param>
/// <param name="OutputKey">Blob key of the audio; null when the unit failed.</param>
/// <param name="Duration">Seconds.</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="Channels">Channel count.</param>
/// <param name="Label">Hard label (the dominant one), when the op produces labels.</param>
/// <param name="SoftLabels">Label weights summing to 1, when the op produces labels.</param>
/// <param name="Caption">Caption, when the op produces one.</param>
/// <param name="Text">Transcript, when the op produces one.</param>
/// <param name="ProvenanceJson">A JSON object: op, sources, gains, offsets, seed and op-specific facts.</param>
/// <param name="Error">Why the unit failed, or null.</param>
/// <param name="Review">The reviewer's verdict.</param>
/// <param name="Assets">
/// Further files of the unit (stems of a separation, segments of a vocal-activity pass, frame scores), each
/// under its own key. When a unit has audio assets, the manifest lists those (one line each) instead of the
/// unit's own <paramref name="OutputKey"/>, which then names the asset the dashboard plays first.
/// </param>
/// <param name="Metrics">Numbers measured on the output (e.g. mean perceptual scores), written to the manifest.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.JobOutput")]
public sealed record JobOutput(
    int Index,
    string Op,
    string? OutputKey,
    double Duration,
    int SampleRate,
    int Channels,
    string? Label,
    IReadOnlyDictionary<string, double>? SoftLabels,
    string? Caption,
    string? Text,
    string ProvenanceJson,
    string? Error,
    ReviewState Review,
    IReadOnlyList<OutputAsset>? Assets = null,
    IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>One named file a unit produced besides (or as) its main output.</summary>
/// <param name="Name">Name unique within the unit, used in its key and archive path (e.g. "vocals", "seg003", "scores").</param>
/// <param name="Key">Blob key (see JobKeys.Asset).</param>
/// <param name="ContentType">MIME type: "audio/wav" for audio (listed in the manifest), "application/json" for data.</param>
/// <param name="Duration">Seconds of audio; 0 for data.</param>
/// <param name="Start">Where the asset starts in its source item, seconds (segments).</param>
/// <param name="End">Where it ends in its source item, seconds (segments).</param>
/// <param name="Text">Transcript text that overlaps the asset, when the source carries timed text.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.OutputAsset")]
public sealed record OutputAsset(
    string Name,
    string Key,
    string ContentType,
    double Duration,
    double? Start = null,
    double? End = null,
    string? Text = null)
{
    /// <summary>True for audio assets (these get manifest lines).</summary>
    public bool IsAudio => ContentType.StartsWith("audio/", StringComparison.Ordinal);
}

/// <summary>A page of outputs plus the total count.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.OutputPage")]
public sealed record OutputPage(IReadOnlyList<JobOutput> Items, int Offset, int Total);
