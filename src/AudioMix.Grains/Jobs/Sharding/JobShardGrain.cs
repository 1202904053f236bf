using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Jobs.Review;
using AudioMix.Grains.Operations;
using AudioMix.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace AudioMix.Grains.Jobs.Sharding;

/// <summary>Persisted state of a shard: the outputs of its units (at most <see cref="ShardKeys.MaxShardSize"/>).</summary>
[GenerateSerializer, Alias("AudioMix.JobShardState")]
public sealed class JobShardState
{
    [Id(0)] public Dictionary<int, JobOutput> Outputs { get; set; } = [];

    /// <summary>Every unit is recorded and the manifest part is written.</summary>
    [Id(1)] public bool Finished { get; set; }
}

/// <summary>
/// Renders one shard of a job on the silo it was placed on and is the single writer of its outputs. The loop hands units
/// to the silo's <see cref="ComputeLimiter"/>, checkpoints finished units about once a second (its own bounded state only)
/// and reports counts to the job grain, which is how the job tracks progress, learns the silo, and notices a shard lost
/// with its silo (no report within the lease: see <see cref="JobGrain"/>). After a crash the job re-dispatches the shard,
/// which re-activates wherever it is placed and continues from its checkpoint: recorded units are skipped, units in
/// flight are rendered again to the same output key, so every output is written exactly once per (job, unit).
/// </summary>
#pragma warning disable CA1001 // _writes is disposed in OnDeactivateAsync: grains end by deactivation, not Dispose.
[ChosenSiloPlacement]
internal sealed partial class JobShardGrain(
    [PersistentState("shard", StorageNames.GrainState)] IPersistentState<JobShardState> state,
    JobOperationRegistry operations,
    ComputeLimiter compute,
    IBlobStore store,
    Serializer<ShardPlan> serializer,
    ILocalSiloDetails silo,
    IGrainFactory grains,
    ILogger<JobShardGrain> logger) : Grain, IJobShardGrain
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    // A report at least this often while units render, even when none finished: long units must not look like a lost shard.
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(4);

    // A review arriving while the loop checkpoints must wait its turn, not race for the ETag.
    private readonly StateWriter<JobShardState> _writes = new(state);
    private readonly BackgroundWork _work = new();

    // Provenance fields already read by filters and sorts (a filtered page parsed every output's provenance again).
    private readonly OutputFilter.FieldCache _fields = new();
    private int[]? _ordered;

    // Set when the job is being deleted: the loop may still be unwinding, and must not write the state back.
    private bool _deleted;

    private (string JobId, int Shard) Key => ShardKeys.Parse(this.GetPrimaryKeyString());

    public Task RunAsync()
    {
        _work.Start(RunLoopAsync);
        return Task.CompletedTask;
    }

    public async Task CancelAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _work.StopAsync(wait.Token);
    }

    public async Task DeleteAsync()
    {
        _deleted = true;
        await CancelAsync();
        await _writes.ClearAsync();
        _ordered = null;
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _work.StopAsync(cancellationToken);
        _writes.Dispose();
    }

    public Task<IReadOnlyList<JobOutput>> GetOutputsAsync(int offset, int limit)
    {
        var outputs = state.State.Outputs;
        if (_ordered is null || _ordered.Length != outputs.Count)
        {
            _ordered = [.. outputs.Keys.Order()];
        }

        return Task.FromResult<IReadOnlyList<JobOutput>>(
            _ordered.Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 0, ShardKeys.MaxShardSize)).Select(i => outputs[i]).ToArray());
    }

    public Task<JobOutput?> GetOutputAsync(int index) => Task.FromResult(state.State.Outputs.GetValueOrDefault(index));

    public Task<JobOutput?> ReviewAsync(int index, ReviewState review) => ChangeAsync(index, o => o with { Review = review });

    public Task<JobOutput?> EditCaptionAsync(int index, string caption) => ChangeAsync(index, o => CaptionEdit.Apply(o, caption));

    public Task<ShardMatch[]> MatchAsync(string? filter, string? sort)
    {
        var parsed = filter is null ? null : OutputFilter.Parse(filter);
        var outputs = state.State.Outputs.Values.Where(o => parsed?.Matches(o, _fields) ?? true);
        return Task.FromResult(outputs
            .Select(o => (o.Index, Key: sort is null ? null : OutputFilter.SortKey(o, sort, _fields)))
            .Select(m => new ShardMatch(m.Index, m.Key as double?, m.Key as string))
            .ToArray());
    }

    public Task<IReadOnlyList<JobOutput>> GetOutputsByIndexAsync(int[] indices) =>
        Task.FromResult<IReadOnlyList<JobOutput>>(
            (indices ?? []).Select(i => state.State.Outputs.GetValueOrDefault(i)).OfType<JobOutput>().ToArray());

    public async Task<int> ReviewMatchingAsync(string? filter, ReviewState review)
    {
        var parsed = filter is null ? null : OutputFilter.Parse(filter);
        var changed = state.State.Outputs.Values
            .Where(o => o.Error is null && o.OutputKey is not null && o.Review != review && (parsed?.Matches(o, _fields) ?? true))
            .ToArray();
        if (changed.Length == 0)
        {
            return 0;
        }

        foreach (var output in changed)
        {
            state.State.Outputs[output.Index] = JobOutputs.Storable(output with { Review = review });
        }

        if (state.State.Finished)
        {
            await WriteManifestPartAsync(CancellationToken.None);
        }

        await WriteStateAsync();
        return changed.Length;
    }

    public Task<OpReviewCounts[]> ReviewCountsAsync() =>
        Task.FromResult(state.State.Outputs.Values
            .GroupBy(o => o.Op, StringComparer.Ordinal)
            .Select(g => new OpReviewCounts(
                g.Key,
                g.Count(o => o.Error is null && o.Review == ReviewState.Accepted),
                g.Count(o => o.Error is null && o.Review == ReviewState.Rejected),
                g.Count(o => o.Error is null && o.Review == ReviewState.Pending),
                g.Count(o => o.Error is not null)))
            .ToArray());

    private async Task<JobOutput?> ChangeAsync(int index, Func<JobOutput, JobOutput> change)
    {
        if (!state.State.Outputs.TryGetValue(index, out var output))
        {
            return null;
        }

        output = JobOutputs.Storable(change(output));
        state.State.Outputs[index] = output;
        if (state.State.Finished)
        {
            await WriteManifestPartAsync(CancellationToken.None);
        }

        await WriteStateAsync();
        return output;
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        // Let the job's call return before any work; and drop the placement hint the job sent with it, so the grains this
        // shard calls are placed by their own strategies.
        await Task.Yield();
        RequestContext.Clear();
        var (jobId, shard) = Key;
        var job = grains.GetGrain<IJobShardSink>(jobId);
        try
        {
            if (!state.State.Finished)
            {
                var plan = await LoadPlanAsync(jobId, shard, cancellationToken);
                await RenderAsync(plan, job, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                await WriteManifestPartAsync(cancellationToken);
                state.State.Finished = true;
                await WriteStateAsync();
                LogFinished(logger, jobId, shard, state.State.Outputs.Count, silo.Name);
            }

            await ReportFinishedAsync(job, cancellationToken);

            // Its outputs are saved and its part written: free the memory; a later page request re-activates it cheaply.
            DeactivateOnIdle();
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Cancelled or deactivating: recorded outputs are kept, the rest is redone if the job dispatches the shard again.
            await WriteStateAsync();
        }
        catch (InconsistentStateException ex)
        {
            // Another activation of this shard saved after this one loaded (a silo taken for dead that was not): this
            // copy is stale. Go away without reporting; the job's lease re-dispatches the shard, which reloads the state.
            LogStale(logger, ex, jobId, shard);
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ClusterFaults.IsTransient(ex))
        {
            // Part of the cluster is gone (storage or a grain this shard calls): not the shard's fault. Save what it has
            // and go away; the job's lease re-dispatches it.
            LogShardInterrupted(logger, jobId, shard, ex.GetType().Name, ex.Message);
            await TryAsync(() => WriteStateAsync());
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogShardFailed(logger, ex, jobId, shard);
            await TryAsync(() => WriteStateAsync());
            await TryAsync(() => job.ReportShardAsync(Report(finished: false) with { Error = ex.Message }));
        }
    }

    private async Task<ShardPlan> LoadPlanAsync(string jobId, int shard, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(ShardKeys.Plan(jobId, shard), cancellationToken);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, cancellationToken);
        return serializer.Deserialize(memory.ToArray()) ?? throw new InvalidDataException($"Shard {shard} of job {jobId} has an empty plan.");
    }

    private async Task RenderAsync(ShardPlan plan, IJobShardSink job, CancellationToken cancellationToken)
    {
        var items = plan.ItemsByStep.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyDictionary<string, DatasetItem>)kv.Value.ToDictionary(i => i.ItemId, StringComparer.Ordinal));
        var pending = new Queue<PlannedUnit>(plan.Units.Where(u => !state.State.Outputs.ContainsKey(u.Index)));
        if (state.State.Outputs.Count > 0)
        {
            // Recorded units are skipped: only the rest (and units in flight when the shard stopped) render again.
            LogResuming(logger, plan.JobId, plan.Shard, state.State.Outputs.Count, plan.Units.Count, silo.Name);
        }

        var inFlight = new Dictionary<Task<JobOutput>, PlannedUnit>();
        var window = compute.MaxConcurrency * 2;
        var sinceCheckpoint = Stopwatch.StartNew();
        var sinceReport = Stopwatch.StartNew();
        var dirty = false;
        var heartbeat = Task.Delay(HeartbeatInterval, CancellationToken.None);
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            while (pending.Count > 0 && inFlight.Count < window && !cancellationToken.IsCancellationRequested)
            {
                var unit = pending.Dequeue();
                var op = operations.Get(unit.Op);
                var context = new UnitContext(
                    plan.JobId, plan.Spec, plan.Steps[unit.Step].Params, items[unit.Step], JobKeys.Output(plan.JobId, unit.Index), silo.Name);
                inFlight.Add(compute.RunAsync(ct => op.RenderAsync(context, unit, ct), cancellationToken), unit);
            }

            if (inFlight.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(inFlight.Keys.Append(heartbeat));
            if (done == heartbeat)
            {
                heartbeat = Task.Delay(HeartbeatInterval, CancellationToken.None);
            }
            else
            {
                var task = (Task<JobOutput>)done;
                var finished = inFlight[task];
                inFlight.Remove(task);
                if (task.IsCanceled)
                {
                    continue;
                }

                var output = task.IsCompletedSuccessfully ? task.Result : FailedOutput(finished, task.Exception!.GetBaseException());
                state.State.Outputs[finished.Index] = JobOutputs.Storable(output);
                dirty = true;
            }

            if (dirty && sinceCheckpoint.Elapsed >= CheckpointInterval)
            {
                await WriteStateAsync();
                sinceCheckpoint.Restart();
                dirty = false;
            }

            if (sinceReport.Elapsed >= CheckpointInterval && !cancellationToken.IsCancellationRequested)
            {
                sinceReport.Restart();
                // A running shard receives no calls for long stretches; keep it from being collected as idle.
                DelayDeactivation(TimeSpan.FromMinutes(5));
                if (!await TryReportAsync(job, Report(finished: false)))
                {
                    // The job is cancelled or failed: stop taking units; those in flight finish and are recorded above.
                    await _work.CancelAsync();
                }
            }
        }

        if (dirty)
        {
            await WriteStateAsync();
        }
    }

    /// <summary>
    /// Reports progress; a report that does not arrive (the job's silo died and its grain is not yet re-activated) is
    /// logged and skipped — the next one carries the same counts, and a lost job must never fail its shards.
    /// </summary>
    private async Task<bool> TryReportAsync(IJobShardSink job, ShardReport report)
    {
        try
        {
            return await job.ReportShardAsync(report);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            LogReportDeferred(logger, Key.JobId, Key.Shard, ex.GetType().Name, ex.Message);
            return true;
        }
    }

    /// <summary>
    /// The finished report is what moves the job on, so it is retried (about once a second, for up to two minutes) until
    /// the job's grain answers; should it still not arrive, the job's lease re-dispatches the shard, which reports again.
    /// </summary>
    private async Task ReportFinishedAsync(IJobShardSink job, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                await job.ReportShardAsync(Report(finished: true));
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
            {
                LogReportDeferred(logger, Key.JobId, Key.Shard, ex.GetType().Name, ex.Message);
                DelayDeactivation(TimeSpan.FromMinutes(5));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private ShardReport Report(bool finished) => new(
        Key.Shard,
        state.State.Outputs.Count,
        state.State.Outputs.Values.Count(o => o.Error is not null),
        finished,
        silo.Name,
        silo.SiloAddress.ToParsableString());

    private JobOutput FailedOutput(PlannedUnit unit, Exception error)
    {
        LogUnitFailed(logger, error, Key.JobId, unit.Index);
        var provenance = new JsonObject { ["op"] = unit.Op, ["unit"] = unit.Index, ["silo"] = silo.Name, ["plan"] = UnitPlanJson.Describe(unit.Plan) };
        return JobOutputs.Failed(unit.Index, unit.Op, provenance.ToJsonString(), error.Message);
    }

    private async Task WriteManifestPartAsync(CancellationToken cancellationToken)
    {
        var (jobId, shard) = Key;
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(ManifestWriter.Build(state.State.Outputs.Values)));
        await store.WriteAsync(ShardKeys.Manifest(jobId, shard), content, new BlobWriteOptions { ContentType = "application/jsonl" }, cancellationToken);
    }

    private Task WriteStateAsync() => _deleted ? Task.CompletedTask : _writes.WriteAsync();

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReportFailed(logger, ex, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Job {JobId} shard {Shard} finished: {Outputs} outputs on {Silo}")]
    private static partial void LogFinished(ILogger logger, string jobId, int shard, int outputs, string silo);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Information, Message = "Job {JobId} shard {Shard} resuming: {Recorded}/{Units} units recorded, on {Silo}")]
    private static partial void LogResuming(ILogger logger, string jobId, int shard, int recorded, int units, string silo);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Warning, Message = "Job {JobId} shard {Shard} could not report ({Type}: {Message}); it reports again")]
    private static partial void LogReportDeferred(ILogger logger, string jobId, int shard, string type, string message);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Warning, Message = "Job {JobId} shard {Shard} interrupted ({Type}: {Message}); it is dispatched again")]
    private static partial void LogShardInterrupted(ILogger logger, string jobId, int shard, string type, string message);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Error, Message = "Job {JobId} shard {Shard} failed")]
    private static partial void LogShardFailed(ILogger logger, Exception exception, string jobId, int shard);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "Job {JobId} unit {Unit} failed")]
    private static partial void LogUnitFailed(ILogger logger, Exception exception, string jobId, int unit);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "Job {JobId} shard {Shard} found its saved state changed by another activation; deactivating")]
    private static partial void LogStale(ILogger logger, Exception exception, string jobId, int shard);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "Shard {Shard} could not save or report its failure")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string shard);
}
