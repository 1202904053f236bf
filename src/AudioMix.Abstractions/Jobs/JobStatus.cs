namespace AudioMix.Abstractions.Jobs;

/// <summary>Life cycle of a job.</summary>
[GenerateSerializer]
public enum JobState
{
    /// <summary>Accepted, not yet planned.</summary>
    Pending,

    /// <summary>Deciding the units (deterministic given the seed).</summary>
    Planning,

    /// <summary>Rendering units.</summary>
    Running,

    /// <summary>Every unit ran; the manifest is written.</summary>
    Completed,

    /// <summary>Stopped by an error that affects the whole job.</summary>
    Failed,

    /// <summary>Stopped on request.</summary>
    Cancelled,
}

/// <summary>A job's state and progress counters.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.JobStatus")]
public sealed record JobStatus(
    string JobId,
    string DatasetId,
    JobState State,
    long Seed,
    IReadOnlyList<string> Operations,
    int Total,
    int Completed,
    int Failed,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? ManifestKey)
{
    /// <summary>True once the job can change no more.</summary>
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
