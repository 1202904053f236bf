namespace AudioMix.Scoring.Tests;

/// <summary>Regularised incomplete gamma, written here so tests check the scorer's PM against an independent formula.</summary>
internal static class Gamma
{
    // Lanczos approximation (g = 7, n = 9), ~15 significant digits for x > 0.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>P(a, x) = γ(a, x)/Γ(a) by its power series x^a e^(−x) Σ x^n / Γ(a + n + 1) (for x &lt; a + 1).</summary>
    public static double LowerRegularized(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= a + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(x), "The series is for x < a + 1; the tests need only tiny x.");
        }

        var term = 1 / a;
        var sum = term;
        for (var n = 1; n < 500 && Math.Abs(term) > Math.Abs(sum) * 1e-17; n++)
        {
            term *= x / (a + n);
            sum += term;
        }

        return sum * Math.Exp((a * Math.Log(x)) - x - LogGamma(a));
    }
}
