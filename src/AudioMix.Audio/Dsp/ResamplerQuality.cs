namespace AudioMix.Audio.Dsp;

/// <summary>
/// Filter design targets for <see cref="Resampler"/>. Each is a Kaiser-windowed sinc whose stopband
/// starts exactly at the Nyquist frequency of the lower of the two rates and whose transition band
/// lies below it. Figures are measured with sine sweeps through the resampler (44.1 kHz → 16 kHz,
/// 16 kHz → 44.1 kHz, 48 kHz → 44.1 kHz; see <c>ResamplerQualityFigureTests</c>); "Nyquist" means
/// the lower rate's Nyquist frequency.
/// </summary>
public enum ResamplerQuality
{
    /// <summary>
    /// Kaiser design: 60 dB (β = 5.65), transition band 0.80–1.00 × Nyquist (≈ 37 taps at the lower rate).
    /// Measured: passband ripple ≤ 0.01 dB (worst 0.0062) up to 0.80 × Nyquist; alias/image rejection
    /// ≥ 58 dB (worst 58.7, just above Nyquist, 48 → 44.1 kHz).
    /// </summary>
    Fast,

    /// <summary>
    /// Kaiser design: 85 dB (β = 8.41), transition band 0.90–1.00 × Nyquist (≈ 108 taps at the lower rate).
    /// Measured: passband ripple ≤ 0.001 dB (worst 0.0005) up to 0.90 × Nyquist; alias/image rejection
    /// ≥ 82 dB (worst 84.2).
    /// </summary>
    Balanced,

    /// <summary>
    /// The default. Kaiser design: 110 dB (β = 11.16), transition band 0.95–1.00 × Nyquist (≈ 285 taps at
    /// the lower rate; 44.1 → 16 kHz uses 786 input taps per output sample).
    /// Measured: passband ripple ≤ 0.0001 dB (worst 0.00003) up to 0.95 × Nyquist; alias/image rejection
    /// ≥ 105 dB (worst 109.4; a 12 kHz tone into 44.1 → 16 kHz is below −110 dB).
    /// </summary>
    High,
}
