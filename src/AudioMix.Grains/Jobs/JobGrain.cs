using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Operations;
using AudioMix.Storage;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// Runs one job. Grain calls only read or change state and return at once; planning and rendering
/// run in a background loop on this activation, which hands each unit to the thread pool (bounded
/// by <see cref="ComputeLimiter"/>) and checkpoints finished units into persisted state. After a
/// crash the grain is re-activated at silo start and the loop continues from the checkpoint: units
/// already recorded are skipped, units in flight are rendered again to the same output key.
/// </summary>
#pragma warning disable CA1001 // _cancel is disposed in OnDeactivateAsync: grains end by deactivation, not Dispose.
internal sealed partial class JobGrain(
    [PersistentState("job", StorageNames.GrainState)] IPersistentState<JobGrainState> state,
    JobOperationRegistry operations,
    ComputeLimiter compute,
    IBlobStore store,
    IGrainFactory grains,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);
    private Task? _worker;
    private CancellationTokenSource? _cancel;

    // Output indices in order, rebuilt only when a new unit finishes (reviews and caption edits replace values, not
    // keys): paging through a 100k-unit job must not sort every output on every page request.
    private int[]? _orderedIndices;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null && !IsFinished(state.State.State))
        {
            LogResuming(logger, JobId, state.State.State, state.State.Outputs.Count, state.State.Units.Count);
            EnsureWorker();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_cancel is not null)
        {
            await _cancel.CancelAsync();
            if (_worker is not null)
            {
                // The loop checkpoints as it stops; whatever it had not recorded is redone on the next activation.
                await _worker.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
            }

            _cancel.Dispose();
        }
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (state.State.Spec is not null)
        {
            throw new InvalidOperationException($"Job {JobId} already exists.");
        }

        if (spec.Operations.Count == 0)
        {
            throw new ArgumentException("A job needs at least one operation.");
        }

        var dataset = await grains.GetGrain<IDatasetGrain>(spec.DatasetId).GetAsync()
            ?? throw new KeyNotFoundException($"Dataset {spec.DatasetId} does not exist.");
        _ = new UnitContext(JobId, spec, "{}", new Dictionary<string, DatasetItem>(), string.Empty).SampleFormat;
        if (spec.Output.SampleRate is <= 0 or > 384_000)
        {
            throw new ArgumentException($"Output sample rate {spec.Output.SampleRate} is out of range (1..384000).");
        }

        foreach (var op in spec.Operations)
        {
            operations.Get(op.Op).Validate(op.ParametersJson, dataset.Kind);
        }

        state.State.Spec = spec;
        state.State.State = JobState.Pending;
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync(CancellationToken.None);
        await PublishAsync();
        EnsureWorker();
        return Status();
    }

    public Task<JobStatus?> GetStatusAsync() => Task.FromResult(state.State.Spec is null ? null : Status());

    public async Task<JobStatus?> CancelAsync()
    {
        if (state.State.Spec is null)
        {
            return null;
        }

        if (!IsFinished(state.State.State))
        {
            _cancel?.Cancel();
            state.State.State = JobState.Cancelled;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            await state.WriteStateAsync(CancellationToken.None);
            await PublishAsync();
            if (_worker is not null)
            {
                // Units already rendering finish (their outputs stay); waiting for them here means no
                // output appears after the caller has seen "cancelled". Bounded well inside the call timeout.
                await _worker.WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Current);
            }
        }

        return Status();
    }

    public Task<OutputPage> GetOutputsAsync(int offset, int limit)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, 1000);
        var outputs = state.State.Outputs;
        if (_orderedIndices is null || _orderedIndices.Length != outputs.Count)
        {
            _orderedIndices = [.. outputs.Keys.Order()];
        }

        var page = _orderedIndices.Skip(offset).Take(limit).Select(i => outputs[i]).ToArray();
        return Task.FromResult(new OutputPage(page, offset, _orderedIndices.Length));
    }

    public Task<JobOutput?> GetOutputAsync(int index) => Task.FromResult(state.State.Outputs.GetValueOrDefault(index));

    public async Task<JobOutput?> ReviewAsync(int index, ReviewState review)
    {
        if (!state.State.Outputs.TryGetValue(index, out var output))
        {
            return null;
        }

        output = output with { Review = review };
        state.State.Outputs[index] = output;
        if (state.State.State == JobState.Completed)
        {
            await WriteManifestAsync(CancellationToken.None);
        }

        await state.WriteStateAsync(CancellationToken.None);
        return output;
    }

    public async Task<JobOutput?> EditCaptionAsync(int index, string caption)
    {
        if (!state.State.Outputs.TryGetValue(index, out var output))
        {
            return null;
        }

        output = CaptionEdit.Apply(output, caption);
        state.State.Outputs[index] = output;
        if (state.State.State == JobState.Completed)
        {
            await WriteManifestAsync(CancellationToken.None);
        }

        await state.WriteStateAsync(CancellationToken.None);
        return output;
    }

    public Task ResumeAsync()
    {
        // Activation already restarted the loop (OnActivateAsync); this call exists to cause activation.
        EnsureWorker();
        return Task.CompletedTask;
    }

    private void EnsureWorker()
    {
        if (_worker is { IsCompleted: false } || state.State.Spec is null || IsFinished(state.State.State))
        {
            return;
        }

        _cancel = new CancellationTokenSource();
        _worker = RunAsync(_cancel.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Yield first so the grain call that started us returns before any work begins.
        await Task.Yield();
        var spec = state.State.Spec!;
        try
        {
            var items = await grains.GetGrain<IDatasetGrain>(spec.DatasetId).GetAllItemsAsync();
            if (state.State.State is JobState.Pending or JobState.Planning)
            {
                state.State.State = JobState.Planning;
                await state.WriteStateAsync(CancellationToken.None);
                state.State.Units = await PlanAsync(spec, items, cancellationToken);
                state.State.State = JobState.Running;
                state.State.StartedAt = DateTimeOffset.UtcNow;
                await state.WriteStateAsync(CancellationToken.None);
                await PublishAsync();
                LogPlanned(logger, JobId, state.State.Units.Count);
            }

            await RenderAllAsync(spec, items.ToDictionary(i => i.ItemId, StringComparer.Ordinal), cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            await WriteManifestAsync(cancellationToken);
            state.State.State = JobState.Completed;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            await state.WriteStateAsync(CancellationToken.None);
            await PublishAsync();
            LogCompleted(logger, JobId, state.State.Outputs.Count, FailedCount());
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Stopped on purpose: CancelAsync already recorded Cancelled, or the activation is being
            // deactivated (silo shutdown), when the last checkpoint's catalog call can fail because the
            // silo is stopping. Either way the job did not fail: keep its state (Running resumes at the
            // next activation) and the finished outputs.
            LogStopped(logger, JobId, state.State.State, ex.GetType().Name);
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, ex, JobId);
            state.State.State = JobState.Failed;
            state.State.Error = ex.Message;
            state.State.FinishedAt = DateTimeOffset.UtcNow;
            await state.WriteStateAsync(CancellationToken.None);
            await PublishAsync();
        }
    }

    private async Task<List<PlannedUnit>> PlanAsync(JobSpec spec, IReadOnlyList<DatasetItem> items, CancellationToken cancellationToken)
    {
        var units = new List<PlannedUnit>();
        foreach (var (op, index) in spec.Operations.Select((o, i) => (o, i)))
        {
            // Each op draws from its own seed stream, so adding an op leaves the others' plans unchanged.
            var opSeed = unchecked(spec.Seed + index * 1_000_003L);
            var operation = operations.Get(op.Op);
            var prepared = await operation.PrepareAsync(items, op.ParametersJson, new PreparationLog(logger, JobId, op.Op), cancellationToken);
            units.AddRange(operation.Plan(prepared, op.ParametersJson, opSeed, units.Count).Select(u => u with { Step = index }));
        }

        return units;
    }

    /// <summary>Logs an op's preparation progress (about every tenth of the items); called from any thread.</summary>
    private sealed class PreparationLog(ILogger logger, string jobId, string op) : IProgress<PreparationProgress>
    {
        public void Report(PreparationProgress value)
        {
            if (value.Done == value.Total || value.Done % Math.Max(1, value.Total / 10) == 0)
            {
                LogPreparing(logger, jobId, op, value.Done, value.Total);
            }
        }
    }

    private async Task RenderAllAsync(JobSpec spec, Dictionary<string, DatasetItem> items, CancellationToken cancellationToken)
    {
        var pending = new Queue<PlannedUnit>(state.State.Units.Where(u => !state.State.Outputs.ContainsKey(u.Index)));
        var inFlight = new Dictionary<Task<JobOutput>, PlannedUnit>();
        var window = compute.MaxConcurrency * 2;
        var sinceCheckpoint = Stopwatch.StartNew();
        var dirty = false;
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            while (pending.Count > 0 && inFlight.Count < window && !cancellationToken.IsCancellationRequested)
            {
                var unit = pending.Dequeue();
                var op = operations.Get(unit.Op);
                var context = new UnitContext(JobId, spec, spec.Operations[unit.Step].ParametersJson, items, JobKeys.Output(JobId, unit.Index));
                inFlight.Add(compute.RunAsync(ct => op.RenderAsync(context, unit, ct), cancellationToken), unit);
            }

            if (inFlight.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(inFlight.Keys);
            var finished = inFlight[done];
            inFlight.Remove(done);
            if (done.IsCanceled)
            {
                continue;
            }

            state.State.Outputs[finished.Index] = done.IsCompletedSuccessfully
                ? done.Result
                : FailedOutput(finished, done.Exception!.GetBaseException());
            dirty = true;
            if (sinceCheckpoint.Elapsed >= CheckpointInterval)
            {
                await CheckpointAsync();
                sinceCheckpoint.Restart();
                dirty = false;
            }
        }

        if (dirty)
        {
            await CheckpointAsync();
        }
    }

    private JobOutput FailedOutput(PlannedUnit unit, Exception error)
    {
        LogUnitFailed(logger, error, JobId, unit.Index);
        var provenance = new JsonObject { ["op"] = unit.Op, ["unit"] = unit.Index, ["plan"] = JsonNode.Parse(unit.PlanJson) };
        return new JobOutput(unit.Index, unit.Op, null, 0, 0, 0, null, null, null, null, provenance.ToJsonString(), error.Message, ReviewState.Pending);
    }

    private async Task CheckpointAsync()
    {
        await state.WriteStateAsync(CancellationToken.None);
        await PublishAsync();
        // A running job receives no calls for long stretches; keep it from being collected as idle.
        DelayDeactivation(TimeSpan.FromMinutes(5));
    }

    private async Task WriteManifestAsync(CancellationToken cancellationToken)
    {
        var key = JobKeys.Manifest(JobId);
        var bytes = Encoding.UTF8.GetBytes(ManifestWriter.Build(state.State.Outputs.Values));
        using var content = new MemoryStream(bytes);
        await store.WriteAsync(key, content, new BlobWriteOptions { ContentType = "application/jsonl" }, cancellationToken);
        state.State.ManifestKey = key;
    }

    private Task PublishAsync() => grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).UpsertAsync(Status());

    private int FailedCount() => state.State.Outputs.Values.Count(o => o.Error is not null);

    private JobStatus Status()
    {
        var s = state.State;
        return new JobStatus(
            JobId, s.Spec!.DatasetId, s.State, s.Spec.Seed, s.Spec.Operations.Select(o => o.Op).ToArray(),
            s.Units.Count, s.Outputs.Count - FailedCount(), FailedCount(), s.Error,
            s.CreatedAt, s.StartedAt, s.FinishedAt, s.ManifestKey);
    }

    private static bool IsFinished(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Cancelled;

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Job {JobId} planned {Units} units")]
    private static partial void LogPlanned(ILogger logger, string jobId, int units);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Job {JobId} completed: {Outputs} units, {Failed} failed")]
    private static partial void LogCompleted(ILogger logger, string jobId, int outputs, int failed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Job {JobId} unit {Unit} failed")]
    private static partial void LogUnitFailed(ILogger logger, Exception exception, string jobId, int unit);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Job {JobId} preparing {Op}: {Done}/{Total} items")]
    private static partial void LogPreparing(ILogger logger, string jobId, string op, int done, int total);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Job {JobId} stopped in state {State} ({Reason})")]
    private static partial void LogStopped(ILogger logger, string jobId, JobState state, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Job {JobId} resuming in state {State}: {Done}/{Units} units done")]
    private static partial void LogResuming(ILogger logger, string jobId, JobState state, int done, int units);
}
