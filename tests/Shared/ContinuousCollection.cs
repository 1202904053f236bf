namespace AudioMix.TestSupport;

/// <summary>
/// A background thread forcing garbage collections and finalizers back to back until disposed: the condition under
/// which a TorchSharp Scalar left unreachable during a native call gets freed under libtorch.
/// </summary>
internal sealed class ContinuousCollection : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _collector;

    private ContinuousCollection(CancellationToken cancellationToken) =>
        _collector = Task.Run(
            () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            },
            cancellationToken);

    public static ContinuousCollection Start(CancellationToken cancellationToken) => new(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _collector;
        _stop.Dispose();
    }
}
