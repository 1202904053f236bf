using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// Running median along one axis of a <c>[channels, bins, frames]</c> tensor with symmetric ("half-sample",
/// scipy.ndimage <c>mode='reflect'</c>) edge extension, as librosa's HPSS uses (Fitzgerald 2010). Works for any
/// length, including ones shorter than the kernel.
/// </summary>
/// <remarks>
/// Computed in managed code with a sorted sliding window (one binary-search removal and insertion per step, O(k)
/// moves): libtorch's unfold + kthvalue materialises k copies of the spectrogram and was two orders of magnitude
/// slower on CPU (about 12 s against 0.1 s for a 20 s stereo clip at 2048/512 with k = 31).
/// </remarks>
internal static class MedianFilter
{
    /// <summary>Median over <paramref name="kernel"/> (odd) elements centred on each element of axis <paramref name="dim"/> (1 or 2).</summary>
    public static torch.Tensor Apply(torch.Tensor x, int kernel, int dim)
    {
        if (x.dim() != 3 || dim is not (1 or 2))
        {
            throw new ArgumentException("Median filtering expects [channels, bins, frames] and axis 1 or 2.", nameof(x));
        }

        if (kernel <= 1)
        {
            return x.clone();
        }

        using var scope = torch.NewDisposeScope();
        var cpu = x.to(torch.ScalarType.Float32).cpu().contiguous();
        var data = cpu.data<float>().ToArray();
        var channels = (int)x.shape[0];
        var bins = (int)x.shape[1];
        var frames = (int)x.shape[2];
        var result = new float[data.Length];

        // A "line" is one run along the filtered axis: (channel, bin) for time, (channel, frame) for frequency.
        var length = dim == 2 ? frames : bins;
        var stride = dim == 2 ? 1 : frames;
        var lines = dim == 2 ? channels * bins : channels * frames;
        Parallel.For(0, lines, () => new Window(kernel, length), (line, _, window) =>
        {
            var start = dim == 2 ? line * frames : ((line / frames) * bins * frames) + (line % frames);
            window.Filter(data, result, start, stride, length);
            return window;
        }, _ => { });

        var tensor = torch.tensor(result, [channels, bins, frames], torch.ScalarType.Float32);
        return (x.device_type == DeviceType.CPU ? tensor : tensor.to(x.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Symmetric reflection of an out-of-range index (…c b a | a b c … x y z | z y x…), repeated as needed.</summary>
    internal static long Reflect(long i, long length)
    {
        var period = 2 * length;
        var m = ((i % period) + period) % period;
        return m < length ? m : period - 1 - m;
    }

    /// <summary>The element of rank <paramref name="k"/> (0-based) of <paramref name="values"/> (Hoare's selection; reorders the span).</summary>
    internal static float Select(Span<float> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var pivot = values[left + ((right - left) / 2)];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    /// <summary>Per-thread scratch: the padded line and the sorted window.</summary>
    private sealed class Window(int kernel, int length)
    {
        private readonly float[] _padded = new float[length + kernel - 1];
        private readonly float[] _sorted = new float[kernel];

        public void Filter(float[] source, float[] target, int start, int stride, int count)
        {
            var half = kernel / 2;
            for (var i = 0; i < _padded.Length; i++)
            {
                _padded[i] = source[start + ((int)Reflect(i - half, count) * stride)];
            }

            Array.Copy(_padded, _sorted, kernel);
            Array.Sort(_sorted);
            target[start] = _sorted[half];
            for (var i = 1; i < count; i++)
            {
                // Slide: drop the element leaving the window, insert the one entering, keep the window sorted.
                var leaving = _padded[i - 1];
                var entering = _padded[i + kernel - 1];
                var at = Array.BinarySearch(_sorted, leaving);
                if (entering >= leaving)
                {
                    var j = at;
                    while (j + 1 < kernel && _sorted[j + 1] < entering)
                    {
                        _sorted[j] = _sorted[j + 1];
                        j++;
                    }

                    _sorted[j] = entering;
                }
                else
                {
                    var j = at;
                    while (j > 0 && _sorted[j - 1] > entering)
                    {
                        _sorted[j] = _sorted[j - 1];
                        j--;
                    }

                    _sorted[j] = entering;
                }

                target[start + (i * stride)] = _sorted[half];
            }
        }
    }
}
