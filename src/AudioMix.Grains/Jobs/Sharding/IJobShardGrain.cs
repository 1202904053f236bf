using AudioMix.Grains.Operations;

namespace AudioMix.Grains.Jobs.Sharding;

/// <summary>
/// Renders one shard of a job (key <c>{jobId}/{shard}</c>, see <see cref="ShardKeys"/>) and owns the outputs of its units:
/// the only writer of their state. Placed on the silo the job chose (<see cref="ChosenSiloPlacement"/>), it renders with
/// that silo's <c>ComputeLimiter</c>. Calls return at once; rendering runs in the background and reports to the job.
/// </summary>
[Alias("AudioMix.IJobShardGrain")]
public interface IJobShardGrain : IGrainWithStringKey
{
    /// <summary>Starts (or keeps) rendering the shard's unfinished units; a finished shard reports itself finished again.</summary>
    [Alias("Run")]
    Task RunAsync();

    /// <summary>Stops rendering; units already rendering finish and keep their outputs.</summary>
    [Alias("Cancel")]
    Task CancelAsync();

    /// <summary>Up to <paramref name="limit"/> recorded outputs in unit order, skipping the first <paramref name="offset"/>.</summary>
    [Alias("GetOutputs")]
    Task<IReadOnlyList<JobOutput>> GetOutputsAsync(int offset, int limit);

    /// <inheritdoc cref="IJobGrain.GetOutputAsync"/>
    [Alias("GetOutput")]
    Task<JobOutput?> GetOutputAsync(int index);

    /// <summary>Records a verdict or a caption edit (see <see cref="IJobGrain"/>); a finished shard rewrites its manifest part.</summary>
    [Alias("Review")]
    Task<JobOutput?> ReviewAsync(int index, ReviewState review);

    /// <inheritdoc cref="ReviewAsync"/>
    [Alias("EditCaption")]
    Task<JobOutput?> EditCaptionAsync(int index, string caption);

    /// <summary>The shard's outputs that pass <paramref name="filter"/> (all when null), with their <paramref name="sort"/> keys.</summary>
    [Alias("Match")]
    Task<ShardMatch[]> MatchAsync(string? filter, string? sort);

    /// <summary>The shard's outputs with these unit indices (unknown ones left out), in the order given.</summary>
    [Alias("GetByIndex")]
    Task<IReadOnlyList<JobOutput>> GetOutputsByIndexAsync(int[] indices);

    /// <summary>Records <paramref name="review"/> on the rendered outputs that pass <paramref name="filter"/>; one state write. Answers how many changed.</summary>
    [Alias("ReviewMatching")]
    Task<int> ReviewMatchingAsync(string? filter, ReviewState review);

    /// <summary>The shard's review counts per op.</summary>
    [Alias("ReviewCounts")]
    Task<OpReviewCounts[]> ReviewCountsAsync();

    /// <summary>Stops rendering, deletes the shard's stored state and deactivates (its job is being deleted).</summary>
    [Alias("Delete")]
    Task DeleteAsync();
}

/// <summary>The job side of the shard protocol: shards report progress to their job grain (same key as the job).</summary>
[Alias("AudioMix.IJobShardSink")]
public interface IJobShardSink : IGrainWithStringKey
{
    /// <summary>
    /// A shard's counts so far (sent at its checkpoints and when it finishes). Answers false when the job no longer wants
    /// the shard to render (cancelled, failed, or the shard belongs to no current plan); the shard then stops.
    /// </summary>
    [Alias("ReportShard")]
    Task<bool> ReportShardAsync(ShardReport report);
}

/// <summary>What a shard has done.</summary>
/// <param name="Shard">Shard number.</param>
/// <param name="Recorded">Units with a recorded output (rendered or failed).</param>
/// <param name="Failed">Of those, units that failed.</param>
/// <param name="Finished">Every unit is recorded and the shard's manifest part is written.</param>
/// <param name="Silo">The name of the silo the shard runs on.</param>
/// <param name="SiloAddress">That silo's address (<see cref="SiloAddress.ToParsableString"/>).</param>
/// <param name="Error">Why the shard could not go on (its plan is unreadable, storage fails), or null.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.ShardReport")]
public sealed record ShardReport(int Shard, int Recorded, int Failed, bool Finished, string Silo, string SiloAddress, string? Error = null);

/// <summary>
/// Everything a shard needs to render, written once by the job at planning time (a blob, <see cref="ShardKeys.Plan"/>):
/// the job's spec, its steps with their parsed parameters, the shard's units (typed plans), and exactly the prepared items those units read, by recipe step (an op's
/// preparation may add facts to an item, e.g. its beat analysis, so the same id can differ between steps).
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ShardPlan")]
public sealed record ShardPlan(
    string JobId,
    int Shard,
    JobSpec Spec,
    IReadOnlyList<TypedStep> Steps,
    IReadOnlyList<PlannedUnit> Units,
    IReadOnlyDictionary<int, IReadOnlyList<DatasetItem>> ItemsByStep);

/// <summary>An output that passed a filter: its unit index and its sort key (a number, a text, or neither).</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ShardMatch")]
public readonly record struct ShardMatch(int Index, double? Number, string? Text);
