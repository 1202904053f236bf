namespace AudioMix.Grains.Jobs;

/// <summary>
/// Persisted state of a job: its spec, where it is, and one small record per shard. Its size depends on the recipe and the
/// shard count (≤ units / 10, a few bytes each), never on the outputs: those live in the shards' own states.
/// </summary>
[GenerateSerializer, Alias("AudioMix.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? StartedAt { get; set; }

    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }

    // Ids 5 and 6 held every planned unit and every output before jobs were sharded; they are not reused.
    [Id(7)] public string? Error { get; set; }

    [Id(8)] public string? ManifestKey { get; set; }

    /// <summary>Units planned over all steps (0 until planning has written every shard's plan).</summary>
    [Id(9)] public int UnitCount { get; set; }

    /// <summary>Units per shard; shard k holds units [k·size, (k+1)·size).</summary>
    [Id(10)] public int ShardSize { get; set; }

    /// <summary>Per shard: recorded and failed counts as of its last report that was saved, and whether it finished.</summary>
    [Id(11)] public List<ShardRecord> Shards { get; set; } = [];

    /// <summary>
    /// The recipe's steps with their parameters as parsed at submission (a plain array: the JSON state records type names).
    /// Null in jobs saved before parameters were typed: those parse their spec again when they resume.
    /// </summary>
    [Id(12)] public Operations.TypedStep[]? Steps { get; set; }

    /// <summary>
    /// The job is being deleted (set, after cancelling it, before anything is removed): it answers as unknown, and a
    /// deletion cut short is finished by the next <see cref="IJobGrain.DeleteAsync"/>.
    /// </summary>
    [Id(13)] public bool Deleting { get; set; }
}

/// <summary>What the job knows of one shard.</summary>
[GenerateSerializer, Alias("AudioMix.ShardRecord")]
public sealed class ShardRecord
{
    [Id(0)] public int Recorded { get; set; }

    [Id(1)] public int Failed { get; set; }

    [Id(2)] public bool Finished { get; set; }
}

/// <summary>Helpers on <see cref="JobState"/>.</summary>
internal static class JobStates
{
    /// <summary>True once a job in this state can change no more.</summary>
    public static bool IsFinishedState(this JobState state) => state is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
