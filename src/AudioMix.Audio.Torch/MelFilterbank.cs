namespace AudioMix.Audio.Torch;

/// <summary>
/// Triangular mel filterbanks with the semantics of <c>librosa.filters.mel</c> and
/// <c>torchaudio.functional.melscale_fbanks</c>: <c>nMels + 2</c> edge frequencies equally spaced on the mel
/// scale between <c>fMin</c> and <c>fMax</c>; filter <c>m</c> rises linearly (in Hz) from edge <c>m</c> to a
/// peak of 1 at edge <c>m+1</c> and falls to 0 at edge <c>m+2</c>, sampled at the FFT bin centre frequencies.
/// </summary>
public static class MelFilterbank
{
    // Slaney (1998), Auditory Toolbox, as used by librosa.hz_to_mel(htk=False).
    private const double SlaneyHzPerMel = 200.0 / 3.0;
    private const double SlaneyMinLogHz = 1000.0;
    private const double SlaneyMinLogMel = SlaneyMinLogHz / SlaneyHzPerMel; // 15
    private static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    /// <summary>
    /// Builds a filterbank of shape <c>[nMels, fftSize/2 + 1]</c> (librosa orientation: multiply it on the left of a
    /// <c>[bins, frames]</c> power spectrogram).
    /// </summary>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="fftSize">FFT length; the bank has <c>fftSize/2 + 1</c> columns.</param>
    /// <param name="nMels">Number of filters.</param>
    /// <param name="fMin">Lowest edge frequency in Hz.</param>
    /// <param name="fMax">Highest edge frequency in Hz; <see langword="null"/> means Nyquist (<c>sampleRate/2</c>).</param>
    /// <param name="scale">Mel formula.</param>
    /// <param name="norm">Filter scaling.</param>
    /// <exception cref="ArgumentException">
    /// Invalid parameters, or <paramref name="nMels"/> is so large for the frequency resolution that some filter
    /// covers no FFT bin (librosa only warns "Empty filters detected"; an all-zero mel band is a silent bug, so we throw).
    /// </exception>
    public static float[,] Create(
        int sampleRate, int fftSize, int nMels, double fMin = 0, double? fMax = null,
        MelScale scale = MelScale.Slaney, MelNorm norm = MelNorm.Slaney)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (fftSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(fftSize), fftSize, "FFT size must be at least 2.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nMels);
        var nyquist = sampleRate / 2.0;
        var top = fMax ?? nyquist;
        if (!double.IsFinite(fMin) || fMin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fMin), fMin, "fMin must be a finite frequency ≥ 0 Hz.");
        }

        if (!double.IsFinite(top) || top > nyquist)
        {
            throw new ArgumentOutOfRangeException(nameof(fMax), top, $"fMax must not exceed the Nyquist frequency ({nyquist} Hz for {sampleRate} Hz).");
        }

        if (top <= fMin)
        {
            throw new ArgumentException($"fMax ({top} Hz) must be greater than fMin ({fMin} Hz).", nameof(fMax));
        }

        if (!Enum.IsDefined(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown mel scale.");
        }

        if (!Enum.IsDefined(norm))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), norm, "Unknown mel norm.");
        }

        var nFreqs = (fftSize / 2) + 1;

        // FFT bin centre frequencies: linspace(0, sr/2, nFreqs) (librosa.fft_frequencies).
        var freqs = new double[nFreqs];
        for (var k = 0; k < nFreqs; k++)
        {
            freqs[k] = k * nyquist / (nFreqs - 1);
        }

        // nMels + 2 edges equally spaced in mel (librosa.mel_frequencies).
        var melLo = HzToMel(fMin, scale);
        var melHi = HzToMel(top, scale);
        var edges = new double[nMels + 2];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melLo + ((melHi - melLo) * i / (nMels + 1)), scale);
        }

        var weights = new float[nMels, nFreqs];
        var empty = new List<int>();
        for (var m = 0; m < nMels; m++)
        {
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            var scaleFactor = norm == MelNorm.Slaney ? 2.0 / (right - left) : 1.0;
            var any = false;
            for (var k = 0; k < nFreqs; k++)
            {
                var lower = (freqs[k] - left) / (centre - left);
                var upper = (right - freqs[k]) / (right - centre);
                var w = Math.Max(0.0, Math.Min(lower, upper));
                if (w > 0)
                {
                    any = true;
                    weights[m, k] = (float)(w * scaleFactor);
                }
            }

            if (!any)
            {
                empty.Add(m);
            }
        }

        if (empty.Count > 0)
        {
            throw new ArgumentException(
                $"{empty.Count} of {nMels} mel filters cover no FFT bin (first empty filter: {empty[0]}): nMels = {nMels} is too large " +
                $"for fftSize = {fftSize} at {sampleRate} Hz over {fMin}–{top} Hz (bin spacing {nyquist / (nFreqs - 1):0.###} Hz). " +
                "Reduce nMels or increase fftSize.",
                nameof(nMels));
        }

        return weights;
    }

    /// <summary>Converts a frequency in Hz to mels.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is negative or not finite.</exception>
    public static double HzToMel(double hz, MelScale scale)
    {
        if (!double.IsFinite(hz) || hz < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hz), hz, "Frequency must be a finite value ≥ 0 Hz.");
        }

        return scale switch
        {
            MelScale.Htk => 2595.0 * Math.Log10(1.0 + (hz / 700.0)),
            MelScale.Slaney => hz < SlaneyMinLogHz
                ? hz / SlaneyHzPerMel
                : SlaneyMinLogMel + (Math.Log(hz / SlaneyMinLogHz) / SlaneyLogStep),
            _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown mel scale."),
        };
    }

    /// <summary>Converts mels to a frequency in Hz (inverse of <see cref="HzToMel"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mel"/> is negative or not finite.</exception>
    public static double MelToHz(double mel, MelScale scale)
    {
        if (!double.IsFinite(mel) || mel < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mel), mel, "Mel value must be a finite value ≥ 0.");
        }

        return scale switch
        {
            MelScale.Htk => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0),
            MelScale.Slaney => mel < SlaneyMinLogMel
                ? mel * SlaneyHzPerMel
                : SlaneyMinLogHz * Math.Exp(SlaneyLogStep * (mel - SlaneyMinLogMel)),
            _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown mel scale."),
        };
    }
}
