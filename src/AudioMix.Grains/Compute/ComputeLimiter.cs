namespace AudioMix.Grains.Compute;

/// <summary>
/// Runs CPU-heavy work on the thread pool, off the Orleans scheduler, with at most one job per core
/// in flight across the whole silo — so many concurrent jobs share the cores instead of thrashing them.
/// </summary>
public sealed class ComputeLimiter(int? maxConcurrency = null) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrency ?? Environment.ProcessorCount));

    /// <summary>How many pieces of work may run at once.</summary>
    public int MaxConcurrency { get; } = Math.Max(1, maxConcurrency ?? Environment.ProcessorCount);

    /// <summary>Waits for a free slot, then runs <paramref name="work"/> on the thread pool.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => work(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();
}
