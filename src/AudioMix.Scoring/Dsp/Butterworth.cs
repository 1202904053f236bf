using System.Numerics;

namespace AudioMix.Scoring.Dsp;

/// <summary>One second-order section (a0 = 1), run in transposed direct form II.</summary>
internal readonly record struct Section(double B0, double B1, double B2, double A1, double A2)
{
    /// <summary>DC gain (b0 + b1 + b2)/(1 + a1 + a2).</summary>
    public double DcGain => (B0 + B1 + B2) / (1 + A1 + A2);
}

/// <summary>
/// Digital Butterworth filters as cascaded second-order sections: analog prototype poles
/// exp(iπ(2k + N − 1)/(2N)), the low/high/band-pass transforms on the pre-warped band edges, and the bilinear
/// transform (the classic design, e.g. Oppenheim &amp; Schafer §7.1; the same as SciPy's <c>butter</c>).
/// Frequencies are normalised to Nyquist (0 &lt; w &lt; 1).
/// </summary>
internal static class Butterworth
{
    /// <summary>Low-pass of <paramref name="order"/> at normalised cut-off <paramref name="wn"/>.</summary>
    public static Section[] LowPass(int order, double wn) => Design(order, wn, 0, Kind.Low);

    /// <summary>High-pass of <paramref name="order"/> at normalised cut-off <paramref name="wn"/>.</summary>
    public static Section[] HighPass(int order, double wn) => Design(order, wn, 0, Kind.High);

    /// <summary>Band-pass from a prototype of <paramref name="order"/> (digital order 2·order) between the two edges.</summary>
    public static Section[] BandPass(int order, double low, double high) => Design(order, low, high, Kind.Band);

    private enum Kind
    {
        Low,
        High,
        Band,
    }

    private static Section[] Design(int order, double w1, double w2, Kind kind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        if (!(w1 > 0 && w1 < 1) || (kind == Kind.Band && !(w2 > w1 && w2 < 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(w1), w1, "Butterworth edges must satisfy 0 < low < high < 1 (fraction of Nyquist).");
        }

        // Bilinear transform with T = 2 (s = (z − 1)/(z + 1)): analog edge = tan(π w / 2).
        var prototype = new Complex[order];
        for (var k = 0; k < order; k++)
        {
            prototype[k] = Complex.Exp(new Complex(0, Math.PI * ((2 * (k + 1)) + order - 1) / (2.0 * order)));
        }

        var poles = new List<Complex>();
        var zeros = new List<Complex>();
        double referenceW;
        switch (kind)
        {
            case Kind.Low:
            {
                var wa = Math.Tan(Math.PI * w1 / 2);
                poles.AddRange(prototype.Select(p => p * wa));
                zeros.AddRange(Enumerable.Repeat(new Complex(-1, 0), order));
                referenceW = 0;
                break;
            }

            case Kind.High:
            {
                var wa = Math.Tan(Math.PI * w1 / 2);
                poles.AddRange(prototype.Select(p => wa / p));
                zeros.AddRange(Enumerable.Repeat(Complex.One, order));
                referenceW = Math.PI;
                break;
            }

            default:
            {
                var lo = Math.Tan(Math.PI * w1 / 2);
                var hi = Math.Tan(Math.PI * w2 / 2);
                var bw = hi - lo;
                var w0 = Math.Sqrt(lo * hi);
                foreach (var p in prototype)
                {
                    var half = p * bw / 2;
                    var root = Complex.Sqrt((half * half) - (w0 * w0));
                    poles.Add(half + root);
                    poles.Add(half - root);
                }

                zeros.AddRange(Enumerable.Repeat(Complex.One, order));
                zeros.AddRange(Enumerable.Repeat(new Complex(-1, 0), order));
                referenceW = 2 * Math.Atan(w0);
                break;
            }
        }

        var zPoles = poles.Select(s => (1 + s) / (1 - s)).ToList();
        var sections = Pair(zPoles, zeros);
        return Normalize(sections, referenceW);
    }

    /// <summary>Groups conjugate pole pairs (and a lone real pole) with two zeros each into sections.</summary>
    private static Section[] Pair(List<Complex> poles, List<Complex> zeros)
    {
        var upper = poles.Where(p => p.Imaginary > 1e-12).OrderBy(p => p.Magnitude).ToList();
        var real = poles.Where(p => Math.Abs(p.Imaginary) <= 1e-12).Select(p => p.Real).ToList();
        var sections = new List<Section>();
        var zi = 0;
        foreach (var p in upper)
        {
            var (b0, b1, b2) = ZeroPair(zeros, ref zi);
            sections.Add(new Section(b0, b1, b2, -2 * p.Real, p.Magnitude * p.Magnitude));
        }

        for (var i = 0; i < real.Count; i += 2)
        {
            if (i + 1 < real.Count)
            {
                var (b0, b1, b2) = ZeroPair(zeros, ref zi);
                sections.Add(new Section(b0, b1, b2, -(real[i] + real[i + 1]), real[i] * real[i + 1]));
            }
            else
            {
                var z = zeros[zi++].Real;
                sections.Add(new Section(1, -z, 0, -real[i], 0));
            }
        }

        return [.. sections];
    }

    private static (double B0, double B1, double B2) ZeroPair(List<Complex> zeros, ref int index)
    {
        var z1 = zeros[index++].Real;
        var z2 = zeros[index++].Real;
        return (1, -(z1 + z2), z1 * z2);
    }

    /// <summary>Scales the cascade to unit magnitude at digital frequency <paramref name="w"/> (rad/sample).</summary>
    private static Section[] Normalize(Section[] sections, double w)
    {
        var z1 = Complex.Exp(new Complex(0, -w));
        var z2 = z1 * z1;
        var h = Complex.One;
        foreach (var s in sections)
        {
            h *= (s.B0 + (s.B1 * z1) + (s.B2 * z2)) / (1 + (s.A1 * z1) + (s.A2 * z2));
        }

        var g = 1 / h.Magnitude;
        sections[0] = sections[0] with { B0 = sections[0].B0 * g, B1 = sections[0].B1 * g, B2 = sections[0].B2 * g };
        return sections;
    }

    /// <summary>Causal filtering from zero state (SciPy <c>sosfilt</c>).</summary>
    public static double[] Filter(Section[] sections, ReadOnlySpan<double> x) => Run(sections, x, null, 0);

    /// <summary>
    /// Zero-phase forward–backward filtering (SciPy <c>filtfilt</c>): odd extension by <paramref name="padLength"/>
    /// samples at both ends, steady-state initial conditions scaled by the first sample of each pass.
    /// The pad is shortened to n − 1 for very short inputs.
    /// </summary>
    public static double[] FiltFilt(Section[] sections, ReadOnlySpan<double> x, int padLength)
    {
        var n = x.Length;
        if (n == 0)
        {
            return [];
        }

        var pad = Math.Min(padLength, n - 1);
        var ext = new double[n + (2 * pad)];
        for (var i = 0; i < pad; i++)
        {
            ext[i] = (2 * x[0]) - x[pad - i];
            ext[n + pad + i] = (2 * x[n - 1]) - x[n - 2 - i];
        }

        x.CopyTo(ext.AsSpan(pad));
        var zi = SteadyState(sections);
        var forward = Run(sections, ext, zi, ext[0]);
        Array.Reverse(forward);
        var backward = Run(sections, forward, zi, forward[0]);
        Array.Reverse(backward);
        return backward.AsSpan(pad, n).ToArray();
    }

    /// <summary>Per-section state after an infinitely long unit step (SciPy <c>sosfilt_zi</c>).</summary>
    private static double[] SteadyState(Section[] sections)
    {
        var zi = new double[sections.Length * 2];
        var scale = 1.0;
        for (var i = 0; i < sections.Length; i++)
        {
            var s = sections[i];
            var y = s.DcGain;
            var s2 = s.B2 - (s.A2 * y);
            var s1 = s.B1 - (s.A1 * y) + s2;
            zi[2 * i] = scale * s1;
            zi[(2 * i) + 1] = scale * s2;
            scale *= y;
        }

        return zi;
    }

    private static double[] Run(Section[] sections, ReadOnlySpan<double> x, double[]? zi, double ziScale)
    {
        var y = x.ToArray();
        for (var i = 0; i < sections.Length; i++)
        {
            var s = sections[i];
            double s1 = zi is null ? 0 : zi[2 * i] * ziScale, s2 = zi is null ? 0 : zi[(2 * i) + 1] * ziScale;
            for (var k = 0; k < y.Length; k++)
            {
                var input = y[k];
                var output = (s.B0 * input) + s1;
                s1 = (s.B1 * input) - (s.A1 * output) + s2;
                s2 = (s.B2 * input) - (s.A2 * output);
                y[k] = output;
            }
        }

        return y;
    }
}
