using AudioMix.Grains.Compute;
using AudioMix.Grains.Jobs.Review;
using AudioMix.Grains.Jobs.Sharding;
using AudioMix.Grains.Operations;
using AudioMix.Storage;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// Coordinates one job. Grain calls only read or change state and return at once. In the background it prepares and
/// plans the units (deterministic given the seed), cuts them into shards (<see cref="ShardKeys.ShardSize"/>) and writes
/// each shard's plan to blob storage; then a one-second timer dispatches shards to silos, at most
/// <see cref="JobEngineOptions.ShardsPerSilo"/> at a time on each active silo, choosing the least busy one
/// (<see cref="ChosenSiloPlacement"/>). Shards render and own their outputs; the job keeps a summary whose size does not
/// depend on the unit count, and assembles the manifest from the shards' parts when the last one finishes.
/// </summary>
/// <remarks>
/// Losing a silo: the shards on it stop reporting; after <see cref="JobEngineOptions.ShardLeaseSeconds"/>, or as soon as
/// membership declares the silo dead, the job dispatches them again and they re-activate elsewhere from their
/// checkpoints. If the job grain itself was on that silo, the next shard report or the per-silo
/// <see cref="JobWatchdog"/> re-activates it and it carries on from its saved summary.
/// </remarks>
#pragma warning disable CA1001 // _timer and _writes are disposed in OnDeactivateAsync: grains end by deactivation, not Dispose.
internal sealed partial class JobGrain(
    [PersistentState("job", StorageNames.GrainState)] IPersistentState<JobGrainState> state,
    JobOperationRegistry operations,
    JobPreflight preflight,
    IBlobStore store,
    Serializer<ShardPlan> planSerializer,
    IClusterMembershipService membership,
    IOptions<JobEngineOptions> options,
    IGrainFactory grains,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IJobShardSink
{
    // One path for every state write (planning loop, shard reports, reviews): concurrent writes would race for the ETag.
    private readonly StateWriter<JobGrainState> _writes = new(state);
    private readonly BackgroundWork _work = new();

    // Shards believed to be rendering: where, when last heard of, and their latest counts. Rebuilt from reports after a
    // re-activation (a shard that is still alive keeps reporting; one that is not is dispatched again).
    private readonly Dictionary<int, RunningShard> _running = [];
    private IGrainTimer? _timer;
    private StageProgress _stage = new(JobStage.Queued, null, 0, 0);
    private int _nextShard;

    private string JobId => this.GetPrimaryKeyString();

    /// <summary>Created and not being deleted: what every call but <see cref="DeleteAsync"/> treats as "the job exists".</summary>
    private bool Exists => state.State.Spec is not null && !state.State.Deleting;

    private JobEngineOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists && !state.State.State.IsFinishedState())
        {
            var finished = state.State.Shards.Where(s => s.Finished).ToArray();
            LogResuming(logger, JobId, state.State.State, finished.Sum(s => s.Recorded), finished.Length, state.State.Shards.Count);
            Continue();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await _work.StopAsync(cancellationToken);
        _writes.Dispose();
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (state.State.Spec is not null)
        {
            throw new InvalidOperationException($"Job {JobId} already exists.");
        }

        // Validation is parsing (each op's parameters become its typed record once, here; planning and rendering use those)
        // plus the ops' capacity rules, so a job the dataset cannot supply is refused before any state is written.
        var (validation, steps) = await preflight.CheckAsync(spec);
        if (!validation.DatasetFound)
        {
            throw new KeyNotFoundException($"Dataset {spec.DatasetId} does not exist.");
        }

        if (!validation.Valid)
        {
            throw new ArgumentException(string.Join(" ", validation.Errors));
        }

        // A plain array: a caller's collection-expression list has a compiler-made type the JSON state cannot load back.
        state.State.Spec = spec with { Operations = spec.Operations.ToArray() };
        state.State.Steps = steps;
        state.State.State = JobState.Pending;
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        await WriteStateAsync();
        await PublishAsync();
        Continue();
        return Status();
    }

    public Task<JobStatus?> GetStatusAsync() => Task.FromResult(Exists ? Status() : null);

    public async Task<JobStatus?> CancelAsync()
    {
        if (!Exists)
        {
            return null;
        }

        if (!state.State.State.IsFinishedState())
        {
            await _work.CancelAsync();
            StopTimer();
            state.State.State = JobState.Cancelled;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            _stage = new(JobStage.Done, null, 0, 0);
            await WriteStateAsync();
            await PublishAsync();
            // Units already rendering finish (their outputs stay); waiting for the shards and the planning loop here means
            // no output appears after the caller has seen "cancelled". Bounded well inside the call timeout.
            var stops = _running.Keys.Select(s => Shard(s).CancelAsync()).ToList();
            if (_work.Task is { } planning)
            {
                stops.Add(planning);
            }

            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Current);
            _running.Clear();
        }

        return Status();
    }

    public async Task<OutputPage> GetOutputsAsync(int offset, int limit)
    {
        if (!Exists)
        {
            return new OutputPage([], Math.Max(0, offset), 0);
        }

        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, 1000);
        var counts = RecordedPerShard();
        var total = counts.Sum();
        var items = new List<JobOutput>(Math.Min(limit, Math.Max(0, total - offset)));
        var skip = offset;
        for (var shard = 0; shard < counts.Length && items.Count < limit; shard++)
        {
            if (skip >= counts[shard])
            {
                skip -= counts[shard];
                continue;
            }

            var take = Math.Min(limit - items.Count, counts[shard] - skip);
            items.AddRange(await Shard(shard).GetOutputsAsync(skip, take));
            skip = 0;
        }

        return new OutputPage(items, offset, total);
    }

    public async Task<OutputPage> QueryOutputsAsync(OutputQuery query, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.IsPlain)
        {
            return await GetOutputsAsync(offset, limit);
        }

        // Checked here first, so a bad filter or sort field is one clear error rather than one per shard.
        var filter = string.IsNullOrWhiteSpace(query.Filter) ? null : OutputFilter.Parse(query.Filter).Text;
        var sort = string.IsNullOrWhiteSpace(query.Sort) ? null : OutputFilter.CheckField(query.Sort);
        if (!Exists)
        {
            return new OutputPage([], Math.Max(0, offset), 0);
        }

        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, 1000);
        var counts = RecordedPerShard();
        var shards = Enumerable.Range(0, counts.Length).Where(s => counts[s] > 0).ToArray();
        var matches = (await Task.WhenAll(shards.Select(s => Shard(s).MatchAsync(filter, sort)))).SelectMany(m => m).ToList();
        matches.Sort(MatchOrder.For(sort is not null, query.Descending));
        var page = matches.Skip(offset).Take(limit).Select(m => m.Index).ToArray();
        var fetched = await Task.WhenAll(page.GroupBy(i => ShardOf(i) ?? -1).Where(g => g.Key >= 0).Select(g => Shard(g.Key).GetOutputsByIndexAsync(g.ToArray())));
        var byIndex = fetched.SelectMany(o => o).ToDictionary(o => o.Index);
        return new OutputPage(page.Where(byIndex.ContainsKey).Select(i => byIndex[i]).ToArray(), offset, matches.Count);
    }

    public async Task<int> ReviewMatchingAsync(string? filter, ReviewState review)
    {
        filter = string.IsNullOrWhiteSpace(filter) ? null : OutputFilter.Parse(filter).Text;
        if (!Exists)
        {
            return 0;
        }

        var counts = RecordedPerShard();
        var changed = await Task.WhenAll(Enumerable.Range(0, counts.Length).Where(s => counts[s] > 0).Select(s => Shard(s).ReviewMatchingAsync(filter, review)));
        if (changed.Sum() > 0 && state.State.State == JobState.Completed)
        {
            // Each changed shard rewrote its part; the manifest is assembled once for the whole batch.
            await ManifestAssembler.WriteAsync(store, JobId, state.State.Shards.Count, null, CancellationToken.None);
        }

        return changed.Sum();
    }

    public async Task<ReviewSummary> GetReviewSummaryAsync()
    {
        if (!Exists)
        {
            return new ReviewSummary([]);
        }

        var counts = RecordedPerShard();
        var perShard = await Task.WhenAll(Enumerable.Range(0, counts.Length).Where(s => counts[s] > 0).Select(s => Shard(s).ReviewCountsAsync()));
        return new ReviewSummary(perShard.SelectMany(c => c)
            .GroupBy(c => c.Op, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => a.Plus(b)))
            .OrderBy(c => c.Op, StringComparer.Ordinal)
            .ToArray());
    }

    public async Task<JobOutput?> GetOutputAsync(int index) =>
        Exists && ShardOf(index) is { } shard ? await Shard(shard).GetOutputAsync(index) : null;

    public Task<JobOutput?> ReviewAsync(int index, ReviewState review) =>
        ChangeOutputAsync(index, shard => Shard(shard).ReviewAsync(index, review));

    public Task<JobOutput?> EditCaptionAsync(int index, string caption) =>
        ChangeOutputAsync(index, shard => Shard(shard).EditCaptionAsync(index, caption));

    public async Task ResumeAsync()
    {
        // Activation already restarted the work (OnActivateAsync); this call exists to cause activation. A finished job
        // that the catalog still lists as unfinished missed its last catalog update: send it again.
        if (state.State.Deleting)
        {
            return;
        }

        if (state.State.Spec is not null && state.State.State.IsFinishedState())
        {
            await PublishAsync();
            return;
        }

        Continue();
    }

    public async Task<bool> ReportShardAsync(ShardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = state.State;
        if (s.Deleting || s.State != JobState.Running || report.Shard < 0 || report.Shard >= s.Shards.Count)
        {
            // A finished job lets a late finished report through quietly; anything else is told to stop.
            return s.State == JobState.Completed && report.Finished;
        }

        if (report.Error is not null)
        {
            await FailAsync($"Shard {report.Shard} failed: {report.Error}");
            return false;
        }

        var record = s.Shards[report.Shard];
        if (record.Finished)
        {
            return true;
        }

        if (!report.Finished)
        {
            _running[report.Shard] = new RunningShard(report.SiloAddress, report.Silo, DateTimeOffset.UtcNow, report.Recorded, report.Failed);
            return true;
        }

        _running.Remove(report.Shard);
        record.Recorded = report.Recorded;
        record.Failed = report.Failed;
        record.Finished = true;
        await WriteStateAsync();
        if (s.Shards.All(r => r.Finished))
        {
            StartWorker();
        }
        else
        {
            Dispatch();
        }

        return true;
    }

    public async Task<bool> DeleteAsync()
    {
        var s = state.State;
        if (s.Spec is null)
        {
            return false;
        }

        if (!s.Deleting)
        {
            // Cancelled first, so nothing renders or plans while its blobs go; then marked, so that from here on the job
            // answers as unknown and a crash part-way leaves a state the next DeleteAsync finishes from.
            await CancelAsync();
            s.Deleting = true;
            await WriteStateAsync();
        }

        StopTimer();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _work.StopAsync(wait.Token);
        }

        _running.Clear();
        await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).RemoveAsync(JobId);
        await Parallel.ForAsync(0, s.Shards.Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (shard, _) => await Shard(shard).DeleteAsync());
        var blobs = await store.DeletePrefixAsync(JobKeys.Folder(JobId));
        LogDeleted(logger, JobId, blobs, s.Shards.Count);
        await _writes.ClearAsync();
        DeactivateOnIdle();
        return true;
    }

    private async Task<JobOutput?> ChangeOutputAsync(int index, Func<int, Task<JobOutput?>> change)
    {
        if (!Exists || ShardOf(index) is not { } shard || await change(shard) is not { } output)
        {
            return null;
        }

        if (state.State.State == JobState.Completed)
        {
            // The shard rewrote its part; the manifest is its parts in order.
            await ManifestAssembler.WriteAsync(store, JobId, state.State.Shards.Count, null, CancellationToken.None);
        }

        return output;
    }

    /// <summary>Picks the work up where the saved state says it is: planning, dispatching, or writing the manifest.</summary>
    private void Continue()
    {
        var s = state.State;
        if (s.Spec is null || s.State.IsFinishedState())
        {
            return;
        }

        if (s.State == JobState.Running && s.Shards.Count == 0 && s.UnitCount == 0)
        {
            // Saved before jobs were sharded (its units and outputs were in this state): plan again; planning is
            // deterministic and outputs are keyed by (job, unit), so finished units are rewritten identically.
            s.State = JobState.Planning;
        }

        if (s.State == JobState.Running && s.Shards.Any(r => !r.Finished))
        {
            _stage = new(JobStage.Rendering, null, 0, s.UnitCount);
            StartTimer();
            return;
        }

        StartWorker();
    }

    private void StartWorker() => _work.Start(RunAsync);

    /// <summary>Plans (if not yet planned) or, once every shard has finished, writes the manifest and completes.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Yield first so the grain call that started us returns before any work begins.
        await Task.Yield();
        var spec = state.State.Spec!;
        try
        {
            if (state.State.State is JobState.Pending or JobState.Planning)
            {
                state.State.State = JobState.Planning;
                await WriteStateAsync();
                await PlanAsync(spec, cancellationToken);
                state.State.State = JobState.Running;
                state.State.StartedAt = DateTimeOffset.UtcNow;
                await WriteStateAsync();
                await PublishAsync();
                LogPlanned(logger, JobId, state.State.UnitCount, state.State.Shards.Count);
                if (state.State.Shards.Any(r => !r.Finished))
                {
                    _stage = new(JobStage.Rendering, null, 0, state.State.UnitCount);
                    StartTimer();
                    return;
                }
            }

            StopTimer();
            var shards = state.State.Shards.Count;
            _stage = new(JobStage.WritingManifest, null, 0, shards);
            await ManifestAssembler.WriteAsync(store, JobId, shards, new Progress<int>(done => _stage = _stage with { Done = done }), cancellationToken);
            state.State.ManifestKey = JobKeys.Manifest(JobId);
            state.State.State = JobState.Completed;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            _stage = new(JobStage.Done, null, shards, shards);
            await WriteStateAsync();
            await PublishAsync();
            LogCompleted(logger, JobId, state.State.Shards.Sum(r => r.Recorded), state.State.Shards.Sum(r => r.Failed));
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Stopped on purpose: CancelAsync recorded Cancelled, or the activation is going away (silo shutdown) and the
            // saved state is where the next activation continues from.
            LogStopped(logger, JobId, state.State.State, ex.GetType().Name);
        }
        catch (Exception ex) when (ClusterFaults.IsTransient(ex))
        {
            // Part of the cluster is gone (the dataset's or the store's silo): not the job's fault. Its saved state is
            // where it stands; the watchdog's next ResumeAsync (every few seconds) starts this work again.
            LogInterrupted(logger, JobId, state.State.State, ex.GetType().Name, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, ex, JobId);
            await FailAsync(ex.Message);
        }
    }

    private async Task PlanAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        _stage = new(JobStage.Preparing, "reading the dataset", 0, 0);
        var items = await grains.GetGrain<IDatasetGrain>(spec.DatasetId).GetAllItemsAsync();
        var steps = await StepsAsync(spec);
        var units = new List<PlannedUnit>();
        var preparedByStep = new Dictionary<int, Dictionary<string, DatasetItem>>();
        foreach (var (op, step) in steps.Select((o, i) => (o, i)))
        {
            // Each op draws from its own seed stream, so adding an op leaves the others' plans unchanged.
            var opSeed = unchecked(spec.Seed + step * 1_000_003L);
            var operation = operations.Get(op.Op);
            _stage = new(JobStage.Preparing, op.Op, 0, items.Count);
            var progress = new PreparationLog(logger, JobId, op.Op, p => _stage = _stage with { Done = p.Done, Total = p.Total });
            var prepared = await operation.PrepareAsync(items, op.Params, progress, cancellationToken);
            preparedByStep[step] = prepared.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
            units.AddRange(operation.Plan(prepared, op.Params, opSeed, units.Count, step));
        }

        var size = ShardKeys.ShardSize(units.Count);
        var count = ShardKeys.ShardCount(units.Count, size);
        _stage = new(JobStage.Planning, $"{units.Count} units in {count} shards", 0, count);
        var written = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (shard, ct) =>
        {
            var shardUnits = units.GetRange(shard * size, Math.Min(size, units.Count - shard * size));
            var itemsByStep = shardUnits
                .GroupBy(u => u.Step)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<DatasetItem>)g
                    .SelectMany(u => u.Sources).Distinct(StringComparer.Ordinal)
                    .Select(id => preparedByStep[g.Key].TryGetValue(id, out var item)
                        ? item
                        : throw new InvalidOperationException($"{spec.Operations[g.Key].Op} planned a unit over item '{id}', which it was not given."))
                    .ToArray());
            var plan = new ShardPlan(JobId, shard, spec, steps, shardUnits, itemsByStep);
            using var content = new MemoryStream(planSerializer.SerializeToArray(plan));
            await store.WriteAsync(ShardKeys.Plan(JobId, shard), content, new BlobWriteOptions { ContentType = "application/octet-stream" }, ct);
            _stage = _stage with { Done = Interlocked.Increment(ref written) };
        });

        state.State.UnitCount = units.Count;
        state.State.ShardSize = size;
        state.State.Shards = [.. Enumerable.Range(0, count).Select(_ => new ShardRecord())];
    }

    /// <summary>
    /// The typed steps saved at submission; a job saved before parameters were typed parses its spec now (parsing is pure,
    /// so it gets what submission would have given it) and saves them.
    /// </summary>
    private async Task<TypedStep[]> StepsAsync(JobSpec spec)
    {
        if (state.State.Steps is { } steps)
        {
            return steps;
        }

        var dataset = await grains.GetGrain<IDatasetGrain>(spec.DatasetId).GetAsync()
            ?? throw new KeyNotFoundException($"Dataset {spec.DatasetId} does not exist.");
        state.State.Steps = operations.Parse(spec.Operations, dataset.Kind);
        await WriteStateAsync();
        return state.State.Steps;
    }

    private void StartTimer()
    {
        // KeepAlive: a running job gets no calls for long stretches, and must not be collected as idle while shards render.
        _timer ??= this.RegisterGrainTimer(
            _ => { Dispatch(); return Task.CompletedTask; },
            new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1)) { KeepAlive = true });
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>
    /// Forgets shards whose silo left or that stopped reporting, then starts pending shards on the least busy active
    /// silos. The shard calls are not awaited: a call to a shard whose activation was on a dead silo may take until the
    /// call timeout to fail, and the job must keep answering meanwhile; a shard that does not start is retried once its
    /// lease runs out.
    /// </summary>
    private void Dispatch()
    {
        var s = state.State;
        if (s.State != JobState.Running)
        {
            return;
        }

        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .ToDictionary(m => m.SiloAddress.ToParsableString(), m => m, StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        var lease = TimeSpan.FromSeconds(Options.ShardLeaseSeconds);
        foreach (var (shard, running) in _running.ToArray())
        {
            var siloGone = running.SiloAddress is not null && !active.ContainsKey(running.SiloAddress);
            if (siloGone || now - running.LastHeard > lease)
            {
                LogShardLost(logger, JobId, shard, running.SiloName ?? "(not yet reported)", siloGone ? "its silo left the cluster" : "no report within the lease");
                _running.Remove(shard);
            }
        }

        if (active.Count == 0)
        {
            return;
        }

        var busy = active.Keys.ToDictionary(a => a, a => _running.Values.Count(r => r.SiloAddress == a), StringComparer.Ordinal);
        var capacity = active.Count * Options.ShardsPerSilo;
        for (var scanned = 0; _running.Count < capacity && scanned < s.Shards.Count; scanned++)
        {
            var shard = _nextShard;
            _nextShard = (_nextShard + 1) % s.Shards.Count;
            if (s.Shards[shard].Finished || _running.ContainsKey(shard))
            {
                continue;
            }

            var silo = busy.MinBy(kv => kv.Value).Key;
            busy[silo]++;
            _running[shard] = new RunningShard(silo, null, now, s.Shards[shard].Recorded, s.Shards[shard].Failed);
            RequestContext.Set(ChosenSiloPlacement.SiloKey, silo);
            try
            {
                _ = Shard(shard).RunAsync().ContinueWith(
                    t => LogDispatchFailed(logger, t.Exception!.GetBaseException(), JobId, shard),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
            }
            finally
            {
                RequestContext.Remove(ChosenSiloPlacement.SiloKey);
            }
        }

    }

    private async Task FailAsync(string error)
    {
        if (state.State.State.IsFinishedState())
        {
            return;
        }

        StopTimer();
        foreach (var shard in _running.Keys)
        {
            _ = Shard(shard).CancelAsync();
        }

        _running.Clear();
        state.State.State = JobState.Failed;
        state.State.Error = error;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        _stage = new(JobStage.Done, null, 0, 0);
        await WriteStateAsync();
        await PublishAsync();
    }

    /// <summary>Recorded outputs per shard: the saved count, or the latest report of a running shard if it is ahead.</summary>
    private int[] RecordedPerShard()
    {
        var shards = state.State.Shards;
        var counts = new int[shards.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _running.TryGetValue(i, out var r) ? Math.Max(r.Recorded, shards[i].Recorded) : shards[i].Recorded;
        }

        return counts;
    }

    private int? ShardOf(int index) =>
        state.State.ShardSize > 0 && index >= 0 && index < state.State.UnitCount ? index / state.State.ShardSize : null;

    private IJobShardGrain Shard(int shard) => grains.GetGrain<IJobShardGrain>(ShardKeys.Grain(JobId, shard));

    private Task WriteStateAsync() => _writes.WriteAsync();

    // The catalog hears of state changes only (created, running, finished), not of progress: the job answers for that.
    // A catalog lost with its silo must not fail the job: the watchdog keeps calling ResumeAsync for a job the catalog
    // still lists as unfinished, and ResumeAsync publishes a finished job's status again.
    private async Task PublishAsync()
    {
        if (state.State.Deleting)
        {
            // Removed from the catalog: a late update must not list it again.
            return;
        }

        try
        {
            await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).UpsertAsync(Status());
        }
        catch (Exception ex) when (ClusterFaults.IsTransient(ex))
        {
            LogPublishDeferred(logger, JobId, ex.GetType().Name);
        }
    }

    private JobStatus Status()
    {
        var s = state.State;
        var recorded = RecordedPerShard();
        var failed = 0;
        for (var i = 0; i < s.Shards.Count; i++)
        {
            failed += _running.TryGetValue(i, out var r) && r.Recorded >= s.Shards[i].Recorded ? r.Failed : s.Shards[i].Failed;
        }

        var stage = s.State.IsFinishedState() ? new StageProgress(JobStage.Done, null, 0, 0) : _stage;
        var progress = stage.Stage == JobStage.Rendering
            ? new JobProgress(JobStage.Rendering, null, recorded.Sum(), s.UnitCount, s.Shards.Count, _running.Count, _running.Values.Select(r => r.SiloAddress).Distinct().Count())
            : new JobProgress(stage.Stage, stage.Detail, stage.Done, stage.Total, s.Shards.Count);
        return new JobStatus(
            JobId, s.Spec!.DatasetId, s.State, s.Spec.Seed, s.Spec.Operations.Select(o => o.Op).ToArray(),
            s.UnitCount, recorded.Sum() - failed, failed, s.Error,
            s.CreatedAt, s.StartedAt, s.FinishedAt, s.ManifestKey, progress, Owners.OrDefault(s.Spec.Owner));
    }

    /// <summary>A shard the job believes is rendering.</summary>
    private sealed record RunningShard(string? SiloAddress, string? SiloName, DateTimeOffset LastHeard, int Recorded, int Failed);

    /// <summary>The stage shown while not rendering (preparation and planning report from other threads: replaced whole).</summary>
    private sealed record StageProgress(JobStage Stage, string? Detail, long Done, long Total);

    /// <summary>Logs an op's preparation progress (about every tenth of the items) and shows it in the status; any thread.</summary>
    private sealed class PreparationLog(ILogger logger, string jobId, string op, Action<PreparationProgress> show) : IProgress<PreparationProgress>
    {
        public void Report(PreparationProgress value)
        {
            show(value);
            if (value.Done == value.Total || value.Done % Math.Max(1, value.Total / 10) == 0)
            {
                LogPreparing(logger, jobId, op, value.Done, value.Total);
            }
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Job {JobId} planned {Units} units in {Shards} shards")]
    private static partial void LogPlanned(ILogger logger, string jobId, int units, int shards);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Job {JobId} completed: {Outputs} units, {Failed} failed")]
    private static partial void LogCompleted(ILogger logger, string jobId, int outputs, int failed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Job {JobId} shard {Shard} did not start; it is dispatched again when its lease runs out")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string jobId, int shard);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Job {JobId} preparing {Op}: {Done}/{Total} items")]
    private static partial void LogPreparing(ILogger logger, string jobId, string op, int done, int total);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Job {JobId} stopped in state {State} ({Reason})")]
    private static partial void LogStopped(ILogger logger, string jobId, JobState state, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Job {JobId} resuming in state {State}: {Units} units in {Finished}/{Shards} finished shards")]
    private static partial void LogResuming(ILogger logger, string jobId, JobState state, int units, int finished, int shards);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Job {JobId} could not update the job catalog ({Type}); the watchdog retries")]
    private static partial void LogPublishDeferred(ILogger logger, string jobId, string type);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Job {JobId} interrupted in state {State} ({Type}: {Message}); the watchdog resumes it")]
    private static partial void LogInterrupted(ILogger logger, string jobId, JobState state, string type, string message);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Job {JobId} deleted: {Blobs} blobs, {Shards} shards")]
    private static partial void LogDeleted(ILogger logger, string jobId, int blobs, int shards);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Job {JobId} shard {Shard} on {Silo} is dispatched again: {Reason}")]
    private static partial void LogShardLost(ILogger logger, string jobId, int shard, string silo, string reason);
}

/// <summary>How the job engine spreads work (<c>AudioMix:Jobs</c>).</summary>
public sealed class JobEngineOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AudioMix:Jobs";

    /// <summary>
    /// Shards of one job rendering at once on each silo. Two keep a silo's cores busy across a shard boundary; each shard
    /// already keeps two units per compute slot in flight.
    /// </summary>
    public int ShardsPerSilo { get; set; } = 2;

    /// <summary>Seconds without a report after which a shard is taken for lost and dispatched again (shards report every ~1–4 s).</summary>
    public int ShardLeaseSeconds { get; set; } = 20;

    /// <summary>Most units one job may plan (summed over its ops, each bounded from its parameters and the dataset's size).</summary>
    public long MaxUnits { get; set; } = 1_000_000;

    /// <summary>Throws on settings the engine cannot run with (so the silo does not start); true otherwise.</summary>
    public bool Validate()
    {
        if (ShardsPerSilo is < 1 or > 64)
        {
            throw new ArgumentException($"{Section}:ShardsPerSilo must be between 1 and 64 (got {ShardsPerSilo}).");
        }

        if (ShardLeaseSeconds is < 5 or > 3600)
        {
            throw new ArgumentException($"{Section}:ShardLeaseSeconds must be between 5 and 3600 (got {ShardLeaseSeconds}).");
        }

        if (MaxUnits < 1)
        {
            throw new ArgumentException($"{Section}:MaxUnits must be at least 1 (got {MaxUnits}).");
        }

        return true;
    }
}
