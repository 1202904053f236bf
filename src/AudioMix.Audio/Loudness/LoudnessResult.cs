namespace AudioMix.Audio.Loudness;

/// <summary>A programme loudness measurement (ITU-R BS.1770-4 / EBU R 128).</summary>
/// <param name="IntegratedLufs">Gated integrated loudness in LUFS; <see cref="double.NegativeInfinity"/> when every block is gated out (silence, or no samples).</param>
/// <param name="SamplePeak">Largest absolute sample value over all channels (linear, not oversampled: this is sample peak, not true peak).</param>
public sealed record LoudnessResult(double IntegratedLufs, double SamplePeak)
{
    /// <summary>The sample peak in dBFS (20·log10 of <see cref="SamplePeak"/>; −∞ for digital silence).</summary>
    public double SamplePeakDbfs => 20 * Math.Log10(SamplePeak);
}
