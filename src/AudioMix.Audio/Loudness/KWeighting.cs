namespace AudioMix.Audio.Loudness;

/// <summary>Normalised biquad coefficients (a0 = 1): y = b0·x + b1·x[-1] + b2·x[-2] − a1·y[-1] − a2·y[-2].</summary>
internal readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2);

/// <summary>
/// The ITU-R BS.1770-4 K-weighting pre-filter (Annex 1, Tables 1 and 2) for any sample rate. The
/// standard tabulates coefficients only for 48 kHz; here both stages are re-derived from their analog
/// prototypes with the bilinear transform (frequency pre-warped by K = tan(π·f0/fs)), using the
/// prototype parameters that reproduce the published 48 kHz values — the derivation popularised by
/// libebur128 and pyloudnorm (B. Kapusta; see also R. Brecht, "Filter design for BS.1770").
/// </summary>
internal static class KWeighting
{
    // Stage 1: high shelf modelling the acoustic effect of the head (≈ +4 dB above ~2 kHz).
    internal const double ShelfF0 = 1681.974450955533;
    internal const double ShelfGainDb = 3.999843853973347;
    internal const double ShelfQ = 0.7071752369554196;

    // Stage 2: the RLB ("revised low-frequency B") high-pass.
    internal const double HighPassF0 = 38.13547087602444;
    internal const double HighPassQ = 0.5003270373238773;

    /// <summary>Stage 1, the high-shelf, at <paramref name="sampleRate"/>.</summary>
    public static Biquad Shelf(double sampleRate)
    {
        var k = Math.Tan(Math.PI * ShelfF0 / sampleRate);
        var vh = Math.Pow(10, ShelfGainDb / 20);

        // The band gain Vb = Vh^0.4996667741545416 is part of the fitted prototype (≈ sqrt(Vh)).
        var vb = Math.Pow(vh, 0.4996667741545416);
        var a0 = 1 + (k / ShelfQ) + (k * k);
        return new Biquad(
            (vh + (vb * k / ShelfQ) + (k * k)) / a0,
            2 * ((k * k) - vh) / a0,
            (vh - (vb * k / ShelfQ) + (k * k)) / a0,
            2 * ((k * k) - 1) / a0,
            (1 - (k / ShelfQ) + (k * k)) / a0);
    }

    /// <summary>Stage 2, the RLB high-pass, at <paramref name="sampleRate"/>. Numerator (1, −2, 1) as in the standard.</summary>
    public static Biquad HighPass(double sampleRate)
    {
        var k = Math.Tan(Math.PI * HighPassF0 / sampleRate);
        var a0 = 1 + (k / HighPassQ) + (k * k);
        return new Biquad(1, -2, 1, 2 * ((k * k) - 1) / a0, (1 - (k / HighPassQ) + (k * k)) / a0);
    }

    /// <summary>Magnitude response of the cascade at <paramref name="frequency"/> Hz (for tests and documentation).</summary>
    public static double Magnitude(double sampleRate, double frequency)
    {
        var w = 2 * Math.PI * frequency / sampleRate;
        return Response(Shelf(sampleRate), w) * Response(HighPass(sampleRate), w);
    }

    private static double Response(Biquad f, double w)
    {
        // |B(e^jw)| / |A(e^jw)| with z^-1 = e^-jw.
        double Re(double c0, double c1, double c2) => c0 + (c1 * Math.Cos(w)) + (c2 * Math.Cos(2 * w));
        double Im(double c1, double c2) => -((c1 * Math.Sin(w)) + (c2 * Math.Sin(2 * w)));
        var num = Math.Sqrt(Math.Pow(Re(f.B0, f.B1, f.B2), 2) + Math.Pow(Im(f.B1, f.B2), 2));
        var den = Math.Sqrt(Math.Pow(Re(1, f.A1, f.A2), 2) + Math.Pow(Im(f.A1, f.A2), 2));
        return num / den;
    }
}
