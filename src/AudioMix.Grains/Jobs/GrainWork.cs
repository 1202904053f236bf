namespace AudioMix.Grains.Jobs;

/// <summary>
/// One background task of a grain activation (a job's planning, a shard's rendering): started at most once at a time,
/// cancelled and awaited when the activation goes away. Grains end by deactivation, not Dispose, so the owner calls
/// <see cref="StopAsync"/> from <c>OnDeactivateAsync</c>.
/// </summary>
#pragma warning disable CA1001 // _cancel is disposed by StopAsync, which the owning grain calls when it deactivates.
internal sealed class BackgroundWork
{
    private Task? _task;
    private CancellationTokenSource? _cancel;

    /// <summary>The running (or last) task, if any.</summary>
    public Task? Task => _task;

    /// <summary>Starts <paramref name="work"/> unless a previous start is still running.</summary>
    public void Start(Func<CancellationToken, Task> work)
    {
        if (_task is { IsCompleted: false })
        {
            return;
        }

        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        _task = work(_cancel.Token);
    }

    /// <summary>Asks the work to stop without waiting for it.</summary>
    public Task CancelAsync() => _cancel?.CancelAsync() ?? System.Threading.Tasks.Task.CompletedTask;

    /// <summary>Asks the work to stop and waits for it (its failures are its own to log), at most until <paramref name="wait"/> ends.</summary>
    public async Task StopAsync(CancellationToken wait)
    {
        if (_cancel is null)
        {
            return;
        }

        await _cancel.CancelAsync();
        if (_task is not null)
        {
            await _task.WaitAsync(wait).ContinueWith(_ => { }, TaskScheduler.Current);
        }

        _cancel.Dispose();
        _cancel = null;
    }
}

#pragma warning restore CA1001

/// <summary>
/// The one path of an activation's state writes. A grain's background loop and its calls interleave at every await, so
/// two writes can overlap: both would carry the same ETag and the second would fail. Writes here wait their turn.
/// </summary>
internal sealed class StateWriter<T>(IPersistentState<T> state) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task WriteAsync() => InTurnAsync(() => state.WriteStateAsync(CancellationToken.None));

    /// <summary>Deletes the stored state (after any write in progress), leaving the activation with a fresh, empty state.</summary>
    public Task ClearAsync() => InTurnAsync(() => state.ClearStateAsync(CancellationToken.None));

    private async Task InTurnAsync(Func<Task> storage)
    {
        await _gate.WaitAsync();
        try
        {
            await storage();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
