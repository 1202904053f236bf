using AudioMix.Audio;

namespace AudioMix.Separation.Metrics;

/// <summary>
/// Separation quality against a reference stem, over all channels of the whole signal (sums in double precision).
/// </summary>
public static class SeparationMetrics
{
    private const double Epsilon = 1e-12;

    /// <summary>
    /// Scale-invariant SDR (Le Roux et al., ICASSP 2019), dB: α = ⟨ŝ, s⟩ ÷ ‖s‖², SI-SDR = 10·log10(‖αs‖² ÷ ‖αs − ŝ‖²).
    /// Channels are concatenated (one α for the whole stem, as nussl's BSSEvalScale does per source).
    /// </summary>
    /// <exception cref="ArgumentException">The two buffers differ in channel count or length.</exception>
    public static double SiSdr(AudioBuffer estimate, AudioBuffer reference)
    {
        CheckShapes(estimate, reference);
        double dot = 0, referenceEnergy = 0;
        for (var c = 0; c < reference.ChannelCount; c++)
        {
            var s = reference.Channels[c];
            var e = estimate.Channels[c];
            for (var i = 0; i < s.Length; i++)
            {
                dot += (double)s[i] * e[i];
                referenceEnergy += (double)s[i] * s[i];
            }
        }

        var alpha = dot / (referenceEnergy + Epsilon);
        double target = 0, error = 0;
        for (var c = 0; c < reference.ChannelCount; c++)
        {
            var s = reference.Channels[c];
            var e = estimate.Channels[c];
            for (var i = 0; i < s.Length; i++)
            {
                var scaled = alpha * s[i];
                target += scaled * scaled;
                var d = scaled - e[i];
                error += d * d;
            }
        }

        return 10 * Math.Log10((target + Epsilon) / (error + Epsilon));
    }

    /// <summary>
    /// Signal-to-distortion ratio without any allowed distortion (the MDX challenge's "new SDR"/utterance SDR,
    /// Mitsufuji et al. 2021): 10·log10(Σ s² ÷ Σ (s − ŝ)²), dB. Gain errors count; it is not BSS Eval's filtered SDR.
    /// </summary>
    /// <exception cref="ArgumentException">The two buffers differ in channel count or length.</exception>
    public static double Sdr(AudioBuffer estimate, AudioBuffer reference)
    {
        CheckShapes(estimate, reference);
        double signal = 0, error = 0;
        for (var c = 0; c < reference.ChannelCount; c++)
        {
            var s = reference.Channels[c];
            var e = estimate.Channels[c];
            for (var i = 0; i < s.Length; i++)
            {
                signal += (double)s[i] * s[i];
                var d = (double)s[i] - e[i];
                error += d * d;
            }
        }

        return 10 * Math.Log10((signal + 1e-7) / (error + 1e-7));
    }

    private static void CheckShapes(AudioBuffer estimate, AudioBuffer reference)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(reference);
        if (estimate.ChannelCount != reference.ChannelCount || estimate.Frames != reference.Frames)
        {
            throw new ArgumentException(
                $"Estimate ({estimate.ChannelCount} ch × {estimate.Frames}) and reference ({reference.ChannelCount} ch × {reference.Frames}) must have the same shape.",
                nameof(estimate));
        }
    }
}
