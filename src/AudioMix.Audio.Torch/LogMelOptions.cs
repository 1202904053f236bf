namespace AudioMix.Audio.Torch;

/// <summary>Log-mel spectrogram parameters (librosa.feature.melspectrogram + librosa.power_to_db semantics).</summary>
/// <param name="SampleRate">Sample rate of the input in Hz.</param>
/// <param name="FftSize">FFT length.</param>
/// <param name="HopLength">Samples between frames.</param>
/// <param name="NMels">Number of mel bands.</param>
/// <param name="FMin">Lowest mel edge frequency in Hz.</param>
/// <param name="FMax">Highest mel edge frequency in Hz; <see langword="null"/> means Nyquist.</param>
/// <param name="Scale">Mel formula.</param>
/// <param name="Norm">Mel filter scaling.</param>
/// <param name="Power">Exponent applied to |STFT| before the mel projection (2 = power, 1 = magnitude).</param>
/// <param name="AminDb">Floor applied before the logarithm (librosa <c>amin</c>).</param>
/// <param name="TopDb">Dynamic range kept below each spectrogram's maximum; <see langword="null"/> disables clipping.</param>
public sealed record LogMelOptions(
    int SampleRate,
    int FftSize = 2048,
    int HopLength = 512,
    int NMels = 128,
    double FMin = 0,
    double? FMax = null,
    MelScale Scale = MelScale.Slaney,
    MelNorm Norm = MelNorm.Slaney,
    double Power = 2.0,
    double AminDb = 1e-10,
    double? TopDb = 80.0)
{
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SampleRate);
        if (!double.IsFinite(Power) || Power <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Power), Power, "Power must be a finite value > 0.");
        }

        if (!double.IsFinite(AminDb) || AminDb <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(AminDb), AminDb, "AminDb must be a finite value > 0.");
        }

        if (TopDb is { } top && (!double.IsFinite(top) || top < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TopDb), top, "TopDb must be a finite value ≥ 0 dB (or null to disable).");
        }
    }
}
