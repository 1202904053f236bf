using System.Collections.Concurrent;

namespace AudioMix.Audio.Dsp;

/// <summary>
/// The precomputed polyphase decomposition of a Kaiser-windowed sinc low-pass for a rational rate
/// change L/M (Crochiere &amp; Rabiner, <i>Multirate Digital Signal Processing</i>, 1983, ch. 3;
/// J. O. Smith, "Digital Audio Resampling", CCRMA). Output sample n sits at input position
/// x = n·M/L; it is the sum over input samples k of x[k]·h(x − k) where h is the zero-phase
/// (centred, non-causal) kernel, so the output is time-aligned with the input by construction.
/// </summary>
/// <remarks>
/// Phase p (fractional position p/L) stores h(p/L + Half − 1 − j) for j = 0..Taps−1, which is applied
/// to input samples i − Half + 1 … i + Half where i = ⌊x⌋. When L is small enough every phase is
/// stored exactly; otherwise (rates with a huge L such as 44100 → 48001) the kernel is tabulated at
/// <see cref="InterpolatedPhases"/> positions per input sample and two neighbouring phases are
/// blended linearly (Smith's "interpolated table" method).
/// </remarks>
internal sealed class PolyphaseFilterBank
{
    /// <summary>Tabulated positions per input sample when phases are interpolated.</summary>
    public const int InterpolatedPhases = 2048;

    /// <summary>Largest exact bank, in coefficients (L × taps), before switching to interpolation.</summary>
    private const long MaxExactCoefficients = 1L << 21;

    private static readonly ConcurrentDictionary<(int In, int Out, ResamplerQuality Q), PolyphaseFilterBank> Cache = new();

    private PolyphaseFilterBank(int l, int m, int taps, bool interpolated, float[] coefficients, double attenuationDb, double passbandFraction)
    {
        L = l;
        M = m;
        Taps = taps;
        Interpolated = interpolated;
        Coefficients = coefficients;
        AttenuationDb = attenuationDb;
        PassbandFraction = passbandFraction;
    }

    /// <summary>Up-sampling factor (output rate / gcd).</summary>
    public int L { get; }

    /// <summary>Down-sampling factor (input rate / gcd).</summary>
    public int M { get; }

    /// <summary>Taps per phase (even).</summary>
    public int Taps { get; }

    /// <summary>Half the taps: the number of input samples needed after position ⌊x⌋ (and Half − 1 before it).</summary>
    public int Half => Taps / 2;

    /// <summary>True when phases are linearly interpolated from a table of <see cref="InterpolatedPhases"/> + 1 phases.</summary>
    public bool Interpolated { get; }

    /// <summary>Phase-major coefficients: phase p occupies [p·Taps, (p + 1)·Taps).</summary>
    public float[] Coefficients { get; }

    /// <summary>The Kaiser design attenuation, dB.</summary>
    public double AttenuationDb { get; }

    /// <summary>Passband edge as a fraction of the lower rate's Nyquist frequency.</summary>
    public double PassbandFraction { get; }

    public ReadOnlySpan<float> Phase(int p) => Coefficients.AsSpan(p * Taps, Taps);

    /// <summary>Design targets per quality: (stopband attenuation dB, passband edge / Nyquist).</summary>
    public static (double AttenuationDb, double PassbandFraction) Targets(ResamplerQuality quality) => quality switch
    {
        ResamplerQuality.Fast => (60, 0.80),
        ResamplerQuality.Balanced => (85, 0.90),
        ResamplerQuality.High => (110, 0.95),
        _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, "Unknown resampler quality."),
    };

    public static PolyphaseFilterBank Get(int inputRate, int outputRate, ResamplerQuality quality) =>
        Cache.GetOrAdd((inputRate, outputRate, quality), static k => Design(k.In, k.Out, k.Q));

    private static PolyphaseFilterBank Design(int inputRate, int outputRate, ResamplerQuality quality)
    {
        var (attenuation, passband) = Targets(quality);
        var g = Gcd(inputRate, outputRate);
        var l = outputRate / g;
        var m = inputRate / g;
        var lowRate = Math.Min(inputRate, outputRate);

        // Stopband edge at the lower Nyquist, passband edge below it; the sinc cutoff sits mid-band.
        // In cycles per input sample:
        var stopEdge = 0.5 * lowRate / inputRate;
        var passEdge = passband * stopEdge;
        var cutoff = 0.5 * (stopEdge + passEdge);

        // Kaiser's length formula is evaluated at the lower rate (Δω = π(1 − passband) rad/sample there)
        // and the resulting span converted to input samples.
        var lowTaps = KaiserDesign.Length(attenuation, Math.PI * (1 - passband));
        var halfWidth = 0.5 * (lowTaps - 1) * inputRate / lowRate;
        var beta = KaiserDesign.Beta(attenuation);
        var i0Beta = KaiserDesign.BesselI0(beta);
        var half = (int)Math.Ceiling(halfWidth) + 1;
        var taps = 2 * half;

        var interpolated = (long)l * taps > MaxExactCoefficients;
        var phases = interpolated ? InterpolatedPhases + 1 : l;
        var divisor = interpolated ? InterpolatedPhases : l;
        var coefficients = new float[(long)phases * taps];
        var row = new double[taps];
        for (var p = 0; p < phases; p++)
        {
            var frac = (double)p / divisor;
            var sum = 0.0;
            for (var j = 0; j < taps; j++)
            {
                var t = frac + half - 1 - j;
                var v = 2 * cutoff * Sinc(2 * cutoff * t) * KaiserDesign.Window(t, halfWidth, beta, i0Beta);
                row[j] = v;
                sum += v;
            }

            // Normalise each phase to unit DC gain so a constant maps exactly to the same constant
            // (the un-normalised sums deviate from 1 by about the design ripple δ).
            var scale = 1 / sum;
            var dest = coefficients.AsSpan(p * taps, taps);
            for (var j = 0; j < taps; j++)
            {
                dest[j] = (float)(row[j] * scale);
            }
        }

        return new PolyphaseFilterBank(l, m, taps, interpolated, coefficients, attenuation, passband);
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    internal static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
