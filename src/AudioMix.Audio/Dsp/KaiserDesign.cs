namespace AudioMix.Audio.Dsp;

/// <summary>
/// Kaiser-window FIR design formulas (J. F. Kaiser, "Nonrecursive digital filter design using the
/// I0-sinh window function", Proc. IEEE ISCAS 1974; as given in Oppenheim &amp; Schafer,
/// <i>Discrete-Time Signal Processing</i>, 3rd ed., eqs. 7.62–7.63).
/// </summary>
internal static class KaiserDesign
{
    /// <summary>
    /// Kaiser's empirical shape parameter for a stopband attenuation of <paramref name="attenuationDb"/>
    /// (A = −20·log10 δ, where δ is the ripple in both pass- and stopband):
    /// β = 0.1102(A − 8.7) for A &gt; 50; 0.5842(A − 21)^0.4 + 0.07886(A − 21) for 21 ≤ A ≤ 50; 0 below.
    /// </summary>
    public static double Beta(double attenuationDb) => attenuationDb switch
    {
        > 50 => 0.1102 * (attenuationDb - 8.7),
        >= 21 => (0.5842 * Math.Pow(attenuationDb - 21, 0.4)) + (0.07886 * (attenuationDb - 21)),
        _ => 0,
    };

    /// <summary>
    /// Kaiser's length estimate: order N = (A − 8) / (2.285·Δω), with Δω the transition width in
    /// radians per sample; returns the number of taps spanned, N + 1.
    /// </summary>
    public static double Length(double attenuationDb, double transitionRadians) =>
        ((attenuationDb - 8) / (2.285 * transitionRadians)) + 1;

    /// <summary>Zeroth-order modified Bessel function of the first kind, by its power series (converges fast for the β used here).</summary>
    public static double BesselI0(double x)
    {
        var sum = 1.0;
        var term = 1.0;
        var halfX = x / 2;
        for (var k = 1; k < 200; k++)
        {
            term *= halfX / k;
            var t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>The Kaiser window w(t) = I0(β·sqrt(1 − (t/half)²)) / I0(β) for |t| ≤ half, else 0 (continuous t).</summary>
    public static double Window(double t, double half, double beta, double i0Beta)
    {
        var r = t / half;
        if (r is < -1 or > 1)
        {
            return 0;
        }

        return BesselI0(beta * Math.Sqrt(1 - (r * r))) / i0Beta;
    }
}
