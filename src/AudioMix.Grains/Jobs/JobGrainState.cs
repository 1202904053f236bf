using AudioMix.Grains.Operations;

namespace AudioMix.Grains.Jobs;

/// <summary>Persisted state of a job: its spec, plan and every finished unit (the checkpoint a resumed job continues from).</summary>
[GenerateSerializer, Alias("AudioMix.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? StartedAt { get; set; }

    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(5)] public List<PlannedUnit> Units { get; set; } = [];

    [Id(6)] public Dictionary<int, JobOutput> Outputs { get; set; } = [];

    [Id(7)] public string? Error { get; set; }

    [Id(8)] public string? ManifestKey { get; set; }
}
