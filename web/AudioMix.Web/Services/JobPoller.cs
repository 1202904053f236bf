namespace AudioMix.Web.Services;

/// <summary>
/// Re-runs a refresh every <c>interval</c> while it reports that something can still change (a job is
/// unfinished), then goes quiet until <see cref="Start"/> is called again. One tick at a time: the next
/// is scheduled only after the previous finished, so a slow silo never piles up calls. Pages own one
/// and dispose it with themselves.
/// </summary>
internal sealed class JobPoller(TimeSpan interval, Func<Task<bool>> tick) : IDisposable
{
    private readonly Lock _gate = new();
    private Timer? _timer;
    private bool _disposed;

    public bool IsRunning { get; private set; }

    public void Start()
    {
        lock (_gate)
        {
            if (_disposed || IsRunning)
            {
                return;
            }

            IsRunning = true;
            _timer ??= new Timer(_ => _ = TickAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(interval, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task TickAsync()
    {
        bool more;
        try
        {
            more = await tick().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            more = false;
        }
        catch (InvalidOperationException)
        {
            // e.g. the circuit's renderer is gone; the page's Dispose stops the poller anyway.
            more = false;
        }

        lock (_gate)
        {
            if (_disposed || !more)
            {
                IsRunning = false;
                return;
            }

            _timer!.Change(interval, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            IsRunning = false;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
