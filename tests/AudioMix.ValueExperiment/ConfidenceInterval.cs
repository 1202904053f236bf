namespace AudioMix.ValueExperiment;

/// <summary>A sample mean and its two-sided 95 % Student-t confidence interval.</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
internal sealed record ConfidenceInterval(double Mean, double Low, double High)
{
    /// <summary>
    /// Mean ± t(0.975, n−1) · s/√n over <paramref name="values"/> (s: the sample standard deviation, n − 1 in the
    /// denominator). For paired differences pass the per-seed differences: that is the paired t interval.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two values (no spread to estimate).</exception>
    public static ConfidenceInterval Of95(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            throw new ArgumentException($"a t interval needs at least 2 values; got {values.Count}.", nameof(values));
        }

        var n = values.Count;
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        var half = StudentT.Quantile(0.975, n - 1) * Math.Sqrt(variance / n);
        return new(mean, mean - half, mean + half);
    }

    /// <summary>The per-index differences <c>a[i] − b[i]</c> (paired by seed).</summary>
    public static double[] Differences(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"paired samples differ in length ({a.Count} and {b.Count}).", nameof(b));
        }

        return a.Select((v, i) => v - b[i]).ToArray();
    }
}

/// <summary>
/// Student's t distribution: CDF through the regularized incomplete beta function (continued fraction, Numerical Recipes
/// 3rd ed. §6.4), quantile by bisection on the CDF. Math.NET is on the mirror, but one quantile does not justify a package.
/// </summary>
internal static class StudentT
{
    /// <summary>P(T ≤ t) for <paramref name="degreesOfFreedom"/> ν: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, by symmetry below.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degreesOfFreedom);
        var x = degreesOfFreedom / (degreesOfFreedom + (t * t));
        var tail = 0.5 * RegularizedIncompleteBeta(degreesOfFreedom / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The <paramref name="p"/> quantile (0 &lt; p &lt; 1), to 1e-12.</summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must lie in (0, 1).");
        }

        double lo = -1e4, hi = 1e4;
        for (var i = 0; i < 200 && hi - lo > 1e-12; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Cdf(mid, degreesOfFreedom) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>I_x(a, b), by the continued fraction on whichever side converges (x &lt; (a+1)/(a+b+2)).</summary>
    internal static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    /// <summary>Lentz's method for the incomplete beta continued fraction.</summary>
    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        var c = 1.0;
        var d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var h = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>ln Γ(x), Lanczos approximation (g = 7, 9 terms), x &gt; 0.</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = g[0];
        for (var i = 1; i < 9; i++)
        {
            sum += g[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
