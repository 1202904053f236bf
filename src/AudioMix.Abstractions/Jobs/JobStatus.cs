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

/// <summary>What a job is doing within its <see cref="JobState"/>, for progress displays.</summary>
[GenerateSerializer]
public enum JobStage
{
    /// <summary>Waiting to start.</summary>
    Queued,

    /// <summary>An op's per-item preparation (e.g. beat analysis of every item); counts are items.</summary>
    Preparing,

    /// <summary>Deciding the units and writing their plans to the shards; counts are shards written.</summary>
    Planning,

    /// <summary>Shards render units on the silos; counts are units.</summary>
    Rendering,

    /// <summary>Assembling the training manifest from the shards' parts; counts are shards.</summary>
    WritingManifest,

    /// <summary>Nothing more will happen.</summary>
    Done,
}

/// <summary>Where a job is: its stage, what the stage is working on, and how far it has got.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Detail">What the stage is working on, e.g. "beat_sync_mixup: beat analysis".</param>
/// <param name="Done">Items, units or shards done in this stage.</param>
/// <param name="Total">Of how many.</param>
/// <param name="Shards">The job's shard count (0 before planning).</param>
/// <param name="ShardsRunning">Shards rendering right now.</param>
/// <param name="Silos">Silos rendering right now.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.JobProgress")]
public sealed record JobProgress(JobStage Stage, string? Detail, long Done, long Total, int Shards = 0, int ShardsRunning = 0, int Silos = 0);

/// <summary>A job's state and progress counters; <see cref="Owner"/> is null only in catalog entries saved before owners.</summary>
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
    string? ManifestKey,
    JobProgress? Progress = null,
    string? Owner = null)
{
    /// <summary>
    /// The job's id, under the name every resource answers its own id with (<c>id</c>, as datasets do);
    /// <see cref="JobId"/> carries the same value for clients written before.
    /// </summary>
    public string Id => JobId;

    /// <summary>True once the job can change no more.</summary>
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
