namespace AudioMix.Audio.Torch;

/// <summary>Short-time Fourier transform parameters (torch.stft / librosa.stft conventions).</summary>
/// <param name="FftSize">FFT length <c>n_fft</c>; the transform yields <c>FftSize/2 + 1</c> frequency bins.</param>
/// <param name="HopLength">Samples between successive frames.</param>
/// <param name="WindowLength">Hann window length (≤ <paramref name="FftSize"/>, zero-padded centrally); <see langword="null"/> means <paramref name="FftSize"/>.</param>
/// <param name="Center">Reflect-pad <c>FftSize/2</c> samples on both sides so frame <c>t</c> is centred on sample <c>t·HopLength</c>.</param>
public sealed record StftOptions(int FftSize = 2048, int HopLength = 512, int? WindowLength = null, bool Center = true)
{
    /// <summary>Number of one-sided frequency bins, <c>FftSize/2 + 1</c>.</summary>
    public int Bins => (FftSize / 2) + 1;

    /// <summary>The effective window length.</summary>
    public int EffectiveWindowLength => WindowLength ?? FftSize;

    /// <summary>Number of frames produced for a signal of <paramref name="samples"/> samples.</summary>
    public long FrameCount(long samples) => Center ? 1 + (samples / HopLength) : 1 + ((samples - FftSize) / HopLength);

    internal void Validate()
    {
        if (FftSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(FftSize), FftSize, "FFT size must be at least 2.");
        }

        if (HopLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HopLength), HopLength, "Hop length must be at least 1.");
        }

        if (WindowLength is { } w && (w < 1 || w > FftSize))
        {
            throw new ArgumentOutOfRangeException(nameof(WindowLength), w, $"Window length must be between 1 and the FFT size ({FftSize}).");
        }

        if (HopLength > EffectiveWindowLength)
        {
            // With hop > window some samples fall in no frame and the inverse cannot reconstruct them (NOLA fails).
            throw new ArgumentOutOfRangeException(nameof(HopLength), HopLength, $"Hop length must not exceed the window length ({EffectiveWindowLength}).");
        }
    }
}
