namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>Algorithm used by <see cref="TimeStretcher.Stretch"/>.</summary>
public enum TimeStretchMethod
{
    /// <summary>
    /// Phase vocoder with identity phase locking (Laroche &amp; Dolson 1999) and phase reset at strong
    /// onsets. Best for polyphonic / tonal music; slight smearing of attacks.
    /// </summary>
    PhaseVocoder,

    /// <summary>
    /// Waveform-similarity overlap-add (Verhelst &amp; Roelands 1993). Fast, keeps attacks sharp and suits
    /// speech; on dense tonal music it can stutter, so prefer it for ratios near 1.
    /// </summary>
    Wsola,
}
