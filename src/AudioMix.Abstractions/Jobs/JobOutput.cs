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
    ReviewState Review);

/// <summary>A page of outputs plus the total count.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.OutputPage")]
public sealed record OutputPage(IReadOnlyList<JobOutput> Items, int Offset, int Total);
