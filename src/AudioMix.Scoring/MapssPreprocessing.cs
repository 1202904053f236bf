using System.Numerics;
using AudioMix.Audio;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Loudness;

namespace AudioMix.Scoring;

/// <summary>
/// MAPSS input conditioning (spec §3): mono at 16 kHz, loudness normalisation to −23 LUFS, and per-source
/// activity in non-overlapping 20 ms frames.
/// </summary>
internal static class MapssPreprocessing
{
    /// <summary>The rate every MAPSS signal is analysed at.</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples per 20 ms energy / encoder frame (50 frames per second).</summary>
    public const int FrameLength = 320;

    /// <summary>The loudness every signal is normalised to.</summary>
    public const double TargetLufs = -23;

    /// <summary>A frame is active when its RMS exceeds this fraction of the reference's global RMS (−20 dB).</summary>
    public const double SilenceRatio = 0.1;

    /// <summary>Downmixes to mono (channel mean) and resamples to 16 kHz.</summary>
    public static float[] ToMono16k(AudioBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var mono = buffer.ChannelCount == 1 ? buffer : buffer.ToMono();
        var resampled = mono.SampleRate == SampleRate ? mono : Resampler.Resample(mono, SampleRate);
        return (float[])resampled.Channels[0].Clone();
    }

    /// <summary>
    /// Scales <paramref name="samples"/> to −23 LUFS (BS.1770-4 integrated loudness from the project's
    /// <see cref="LoudnessMeter"/>), then divides by the peak if it exceeds 1 and clips to [−1, 1] (spec §3.1 step 8).
    /// When the loudness is not finite (everything gated away) the signal is scaled to RMS 10^(−23/20) instead
    /// (Generation 2 fallback, §14 row 6); an all-zero signal stays zero.
    /// </summary>
    public static float[] NormalizeLoudness(ReadOnlySpan<float> samples)
    {
        var copy = samples.ToArray();
        var buffer = new AudioBuffer(SampleRate, [copy]);
        var lufs = LoudnessMeter.Measure(buffer).IntegratedLufs;
        double gain;
        if (double.IsFinite(lufs))
        {
            gain = Math.Pow(10, (TargetLufs - lufs) / 20);
        }
        else
        {
            var rms = Rms<float>(copy);
            gain = rms > 0 ? Math.Pow(10, TargetLufs / 20) / rms : 0;
        }

        var peak = 0.0;
        foreach (var s in copy)
        {
            peak = Math.Max(peak, Math.Abs(s * gain));
        }

        if (peak > 1)
        {
            gain /= peak;
        }

        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = (float)Math.Clamp(copy[i] * gain, -1, 1);
        }

        return copy;
    }

    /// <summary>
    /// Number of 20 ms energy frames of an n-sample signal: ⌊(n − 320)/320⌋ + 1, one fewer when n is an exact
    /// multiple of 320 (spec §3.2, reproducing the reference's framing).
    /// </summary>
    public static int EnergyFrameCount(int n) => n < FrameLength ? 0 : n % FrameLength == 0 ? (n / FrameLength) - 1 : n / FrameLength;

    /// <summary>Per-frame activity: frame RMS (with 1e-12 inside the root) above 0.1 × the signal's global RMS.</summary>
    public static bool[] ActivityMask(ReadOnlySpan<float> normalized)
    {
        var frames = EnergyFrameCount(normalized.Length);
        var threshold = SilenceRatio * Rms(normalized);
        var mask = new bool[frames];
        for (var j = 0; j < frames; j++)
        {
            var frame = normalized.Slice(j * FrameLength, FrameLength);
            double sum = 0;
            foreach (var s in frame)
            {
                sum += (double)s * s;
            }

            mask[j] = Math.Sqrt((sum / FrameLength) + 1e-12) > threshold;
        }

        return mask;
    }

    /// <summary>Root mean square in double precision (0 for an empty span).</summary>
    public static double Rms<T>(ReadOnlySpan<T> x)
        where T : INumberBase<T>
    {
        if (x.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in x)
        {
            var v = double.CreateChecked(s);
            sum += v * v;
        }

        return Math.Sqrt(sum / x.Length);
    }
}
