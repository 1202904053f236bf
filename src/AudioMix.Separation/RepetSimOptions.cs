namespace AudioMix.Separation;

/// <summary>
/// REPET-SIM (Rafii &amp; Pardo, ISMIR 2012): the repeating background of each frame is the median of the frames most
/// similar to it; what does not repeat (typically the lead voice) is the foreground. Defaults are nussl's
/// (similarity threshold 0, frames at least 1 s apart, at most 100 of them, 100 Hz high-pass, 2048-point STFT).
/// </summary>
/// <param name="FftSize">STFT length.</param>
/// <param name="HopLength">Samples between frames.</param>
/// <param name="SimilarityThreshold">Minimum cosine similarity for a frame to count as a repetition.</param>
/// <param name="MinDistanceSeconds">Minimum time between two chosen similar frames (peak picking along the similarity row).</param>
/// <param name="MaxRepeatingFrames">At most this many most-similar frames enter the median.</param>
/// <param name="HighPassHz">Bins below this always belong to the background (voices have little energy there).</param>
/// <param name="SearchWindowSeconds">Similar frames are sought within ± this of each frame. This bounds cost and memory
/// on long recordings and lets separation stream (the original searches the whole track; on-line REPET-SIM
/// (Rafii &amp; Pardo, ICASSP 2013) also searches a bounded buffer).</param>
/// <param name="WienerIterations">Multichannel Wiener refinement passes (0 = the soft mask only).</param>
/// <param name="WienerWindowSeconds">Half-width of the Wiener spatial-covariance window.</param>
public sealed record RepetSimOptions(
    int FftSize = 2048,
    int HopLength = 512,
    double SimilarityThreshold = 0,
    double MinDistanceSeconds = 1.0,
    int MaxRepeatingFrames = 100,
    double HighPassHz = 100,
    double SearchWindowSeconds = 10,
    int WienerIterations = 0,
    double WienerWindowSeconds = 1.0)
{
    internal void Validate()
    {
        Check.Fft(FftSize, HopLength);
        if (!double.IsFinite(SimilarityThreshold) || SimilarityThreshold is < -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SimilarityThreshold), SimilarityThreshold, "SimilarityThreshold must be between -1 and 1.");
        }

        Check.Positive(MinDistanceSeconds, nameof(MinDistanceSeconds), 60);
        if (MaxRepeatingFrames is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRepeatingFrames), MaxRepeatingFrames, "MaxRepeatingFrames must be between 1 and 1000.");
        }

        if (!double.IsFinite(HighPassHz) || HighPassHz < 0 || HighPassHz > 20000)
        {
            throw new ArgumentOutOfRangeException(nameof(HighPassHz), HighPassHz, "HighPassHz must be between 0 and 20000.");
        }

        Check.Positive(SearchWindowSeconds, nameof(SearchWindowSeconds), 600);
        if (SearchWindowSeconds < MinDistanceSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(SearchWindowSeconds), SearchWindowSeconds, "SearchWindowSeconds must be at least MinDistanceSeconds.");
        }

        Check.Wiener(WienerIterations, WienerWindowSeconds);
    }
}

/// <summary>
/// Centre extraction for stereo by inter-channel similarity per time-frequency bin (Avendano &amp; Jot 2004):
/// ψ = 2|X_L·X_R*| ÷ (|X_L|² + |X_R|²) is 1 for a bin panned dead centre and falls for side-panned or decorrelated
/// content; the centre mask is ψ^<paramref name="Power"/>. A per-bin refinement of the mid/side ("karaoke") trick.
/// Mono input is rejected: there is no side to remove.
/// </summary>
/// <param name="FftSize">STFT length.</param>
/// <param name="HopLength">Samples between frames.</param>
/// <param name="Power">Exponent on the similarity: larger keeps only the most clearly centred bins.</param>
/// <param name="SmoothingSeconds">Half-width of the time average of the cross- and auto-spectra behind ψ (0 = per bin).</param>
/// <param name="WienerIterations">Multichannel Wiener refinement passes.</param>
/// <param name="WienerWindowSeconds">Half-width of the Wiener spatial-covariance window.</param>
public sealed record MidSideOptions(int FftSize = 2048, int HopLength = 512, double Power = 2.0, double SmoothingSeconds = 0.05, int WienerIterations = 0, double WienerWindowSeconds = 1.0)
{
    internal void Validate()
    {
        Check.Fft(FftSize, HopLength);
        Check.Positive(Power, nameof(Power), 100);
        if (!double.IsFinite(SmoothingSeconds) || SmoothingSeconds is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(SmoothingSeconds), SmoothingSeconds, "SmoothingSeconds must be between 0 and 10.");
        }

        Check.Wiener(WienerIterations, WienerWindowSeconds);
    }
}
