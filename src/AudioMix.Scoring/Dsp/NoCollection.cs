using System.Runtime;

namespace AudioMix.Scoring.Dsp;

/// <summary>
/// Runs tensor code with garbage collection suspended where the runtime allows it. TorchSharp turns every plain
/// number passed to a tensor op (<c>x * 2</c>, <c>clamp_min(0)</c>) into a finalizable <c>Scalar</c> and passes its
/// native handle on; if a collection runs while the native call is in flight, the finaliser can free the scalar under
/// it. We saw this as random libtorch checks failing ("Expected false to be true" in clamp/mul/add on a scalar
/// argument) in about one run in ten. No collection, no finaliser: the region covers the native work only.
/// </summary>
internal static class NoCollection
{
    private const long Budget = 64L * 1024 * 1024;

    public static T Run<T>(Func<T> body)
    {
        var entered = false;
        try
        {
            entered = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget);
        }
        catch (InvalidOperationException)
        {
            // Another thread holds a no-GC region (or the budget is refused): run unguarded.
        }

        try
        {
            return body();
        }
        finally
        {
            if (entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try
                {
                    GC.EndNoGCRegion();
                }
                catch (InvalidOperationException)
                {
                    // The budget was exceeded and a collection ended the region early.
                }
            }
        }
    }
}
