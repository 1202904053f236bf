using Orleans.Concurrency;

namespace AudioMix.Abstractions.Jobs;

/// <summary>
/// One batch augmentation job (keyed by its id). Calls return at once; planning and rendering run
/// in the background and survive a process crash (the job resumes when its silo starts again).
/// </summary>
[Alias("AudioMix.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Validates and accepts the spec, then starts planning in the background.</summary>
    [Alias("Start")]
    Task<JobStatus> StartAsync(JobSpec spec);

    /// <summary>Current state and counters, or null for an unknown job.</summary>
    [Alias("GetStatus")]
    Task<JobStatus?> GetStatusAsync();

    /// <summary>Stops a pending or running job; finished outputs stay.</summary>
    [Alias("Cancel")]
    Task<JobStatus?> CancelAsync();

    /// <summary>A page of rendered outputs in unit order.</summary>
    [Alias("GetOutputs")]
    Task<OutputPage> GetOutputsAsync(int offset, int limit);

    /// <summary>One output by unit index, or null.</summary>
    [Alias("GetOutput")]
    Task<JobOutput?> GetOutputAsync(int index);

    /// <summary>Records a reviewer's verdict; the manifest is rewritten without rejected outputs.</summary>
    [Alias("Review")]
    Task<JobOutput?> ReviewAsync(int index, ReviewState review);

    /// <summary>
    /// Replaces an output's caption with a reviewer's edit (non-empty, one line, length-capped; invalid edits throw
    /// <see cref="ArgumentException"/>); the caption it replaced first is kept in the provenance as
    /// <c>originalCaption</c> and the manifest is rewritten. Null for an unknown output.
    /// </summary>
    [Alias("EditCaption")]
    Task<JobOutput?> EditCaptionAsync(int index, string caption);

    /// <summary>
    /// A page of the outputs that pass <paramref name="query"/>'s filter, in its sort order (plain unit order without
    /// one). Each shard filters its own outputs; only indices and sort keys travel to the job. A bad filter or sort field
    /// throws <see cref="ArgumentException"/> naming the problem.
    /// </summary>
    [Alias("QueryOutputs")]
    Task<OutputPage> QueryOutputsAsync(OutputQuery query, int offset, int limit);

    /// <summary>
    /// Records <paramref name="review"/> on every rendered output that passes <paramref name="filter"/> (all when null),
    /// shard by shard; the manifest is rewritten once. Answers how many outputs changed.
    /// </summary>
    [Alias("ReviewMatching")]
    Task<int> ReviewMatchingAsync(string? filter, ReviewState review);

    /// <summary>Accepted, rejected and pending counts per op.</summary>
    [Alias("ReviewSummary")]
    Task<ReviewSummary> GetReviewSummaryAsync();

    /// <summary>Restarts the background work of an unfinished job (called at silo start).</summary>
    [Alias("Resume")]
    Task ResumeAsync();

    /// <summary>
    /// Deletes the job: cancels it if unfinished (and waits for it to stop), then removes every blob under
    /// <c>jobs/{id}/</c>, its shards' and its own grain state and its catalog entry. The job is marked as being deleted
    /// first (it then answers as unknown), so a deletion cut short by a crash is completed by calling this again.
    /// False for an unknown job.
    /// </summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();
}

/// <summary>The list of jobs (one grain, key <see cref="Key"/>); also how unfinished jobs are found after a restart.</summary>
[Alias("AudioMix.IJobCatalogGrain")]
public interface IJobCatalogGrain : IGrainWithStringKey
{
    /// <summary>The catalog's grain key.</summary>
    const string Key = "catalog";

    /// <summary>Adds or refreshes a job's status.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(JobStatus status);

    /// <summary>All jobs, newest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<JobStatus>> ListAsync();

    /// <summary>Ids of jobs that have not finished.</summary>
    [Alias("ListUnfinished")]
    Task<IReadOnlyList<string>> ListUnfinishedAsync();

    /// <summary>How many of <paramref name="owner"/>'s jobs have not finished (jobs saved without an owner count as <see cref="Owners.Default"/>'s).</summary>
    [Alias("CountActive")]
    [ReadOnly]
    Task<int> CountActiveAsync(string owner);

    /// <summary>Forgets a job (it is being deleted); nothing happens for one it does not list.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string jobId);
}
