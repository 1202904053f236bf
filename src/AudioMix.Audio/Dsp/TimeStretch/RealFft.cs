namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>
/// Real-input FFT of a fixed power-of-two size N, built on an iterative radix-2 complex FFT of size
/// N/2 (Cooley–Tukey, decimation in time). The real signal is packed as z[n] = x[2n] + i·x[2n+1]; with
/// Z = DFT_{N/2}(z), the even/odd half-spectra are E[k] = (Z[k] + Z*[N/2−k])/2 and
/// O[k] = (Z[k] − Z*[N/2−k])/(2i), and X[k] = E[k] + W^k·O[k] with W = e^{−2πi/N} (the standard
/// "two-for-one" split, e.g. Oppenheim &amp; Schafer, Discrete-Time Signal Processing, §9). The inverse
/// runs the same steps backwards. Not thread-safe (scratch buffers); one instance per worker.
/// </summary>
internal sealed class RealFft
{
    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly double[] _twRe; // e^{-2πi j/(N/2)}, j < N/4, for the complex FFT
    private readonly double[] _twIm;
    private readonly double[] _splitRe; // e^{-2πi k/N}, k ≤ N/2, for the real split
    private readonly double[] _splitIm;
    private readonly double[] _zr;
    private readonly double[] _zi;

    public RealFft(int size)
    {
        if (size < 4 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two ≥ 4.");
        }

        Size = size;
        _half = size / 2;
        var bits = System.Numerics.BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (var i = 0; i < _half; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            _bitReverse[i] = r;
        }

        _twRe = new double[Math.Max(1, _half / 2)];
        _twIm = new double[_twRe.Length];
        for (var j = 0; j < _twRe.Length; j++)
        {
            var a = -2 * Math.PI * j / _half;
            _twRe[j] = Math.Cos(a);
            _twIm[j] = Math.Sin(a);
        }

        _splitRe = new double[_half + 1];
        _splitIm = new double[_half + 1];
        for (var k = 0; k <= _half; k++)
        {
            var a = -2 * Math.PI * k / size;
            _splitRe[k] = Math.Cos(a);
            _splitIm[k] = Math.Sin(a);
        }

        _zr = new double[_half];
        _zi = new double[_half];
    }

    /// <summary>Transform length N.</summary>
    public int Size { get; }

    /// <summary>Number of non-negative-frequency bins, N/2 + 1.</summary>
    public int Bins => _half + 1;

    /// <summary>Forward DFT X[k] = Σ x[n]·e^{−2πikn/N} for k = 0..N/2 (no scaling).</summary>
    public void Forward(ReadOnlySpan<float> x, Span<double> re, Span<double> im)
    {
        for (var n = 0; n < _half; n++)
        {
            var j = _bitReverse[n];
            _zr[j] = x[2 * n];
            _zi[j] = x[(2 * n) + 1];
        }

        Butterflies(_zr, _zi, inverse: false);
        for (var k = 0; k <= _half; k++)
        {
            var k1 = k == _half ? 0 : k;
            var k2 = k == 0 ? 0 : _half - k;
            double ar = _zr[k1], ai = _zi[k1], br = _zr[k2], bi = -_zi[k2]; // b = Z*[N/2−k]
            var er = 0.5 * (ar + br);
            var ei = 0.5 * (ai + bi);
            // O = (a − b)/(2i) = (−i/2)(a − b)
            var orr = 0.5 * (ai - bi);
            var oi = -0.5 * (ar - br);
            re[k] = er + (_splitRe[k] * orr) - (_splitIm[k] * oi);
            im[k] = ei + (_splitRe[k] * oi) + (_splitIm[k] * orr);
        }
    }

    /// <summary>Inverse of <see cref="Forward"/>: x[n] = (1/N)·Σ X[k]·e^{2πikn/N} over the Hermitian spectrum.</summary>
    public void Inverse(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> x)
    {
        for (var k = 0; k < _half; k++)
        {
            double ar = re[k], ai = im[k], br = re[_half - k], bi = -im[_half - k]; // b = X*[N/2−k]
            var er = 0.5 * (ar + br);
            var ei = 0.5 * (ai + bi);
            // O = (a − b)·e^{+2πik/N}/2
            var dr = 0.5 * (ar - br);
            var di = 0.5 * (ai - bi);
            var orr = (dr * _splitRe[k]) + (di * _splitIm[k]);
            var oi = (di * _splitRe[k]) - (dr * _splitIm[k]);
            // Z = E + i·O
            var j = _bitReverse[k];
            _zr[j] = er - oi;
            _zi[j] = ei + orr;
        }

        Butterflies(_zr, _zi, inverse: true);
        var scale = 1.0 / _half;
        for (var n = 0; n < _half; n++)
        {
            x[2 * n] = (float)(_zr[n] * scale);
            x[(2 * n) + 1] = (float)(_zi[n] * scale);
        }
    }

    /// <summary>In-place radix-2 butterflies over bit-reversed input (conjugate twiddles when inverse).</summary>
    private void Butterflies(double[] re, double[] im, bool inverse)
    {
        var n = _half;
        var sign = inverse ? -1.0 : 1.0;
        for (var len = 2; len <= n; len <<= 1)
        {
            var halfLen = len >> 1;
            var step = n / len;
            for (var start = 0; start < n; start += len)
            {
                for (var j = 0; j < halfLen; j++)
                {
                    var wr = _twRe[j * step];
                    var wi = sign * _twIm[j * step];
                    var a = start + j;
                    var b = a + halfLen;
                    var tr = (re[b] * wr) - (im[b] * wi);
                    var ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
