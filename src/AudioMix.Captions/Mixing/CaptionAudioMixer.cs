using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Dsp;

namespace AudioMix.Captions.Mixing;

/// <summary>How the two clips of a caption mix are levelled and placed.</summary>
public enum CaptionMixMode
{
    /// <summary>
    /// Wu et al. 2023 (DCASE 2023 Task 6A winner, <c>clotho_mixup_dataset.py</c> default mode): the second clip is
    /// scaled so the energy ratio is uniform in ±5 dB; the shorter clip enters the longer at a random offset.
    /// </summary>
    Wu,

    /// <summary>
    /// AudioGen (Kreuk et al. 2022, audiocraft <c>sound_dataset.py</c>): both clips at −25 dBFS RMS, integer SNR in
    /// [−5, 4] dB, the mixture set to an integer level in [−35, −15) dBFS, at least 50 % overlap.
    /// </summary>
    AudioGen,
}

/// <summary>Mixing settings; the defaults are the papers' values.</summary>
public sealed record CaptionMixOptions
{
    /// <summary>Levelling and placement rule.</summary>
    public CaptionMixMode Mode { get; init; } = CaptionMixMode.Wu;

    /// <summary>Output rate (both papers work at 16 kHz mono).</summary>
    public int SampleRate { get; init; } = 16_000;

    /// <summary>Longest output; longer inputs are cut (Clotho clips are 15–30 s, so Wu et al. never exceed 30 s).</summary>
    public double MaxSeconds { get; init; } = 30;

    /// <summary>Wu: the energy ratio of first over second is uniform in ±this many dB.</summary>
    public double EnergyRatioRangeDb { get; init; } = 5;

    /// <summary>AudioGen: the RMS level both clips are set to before the SNR is applied.</summary>
    public double ClipRmsDbfs { get; init; } = -25;

    /// <summary>AudioGen: smallest SNR (dB, integer draw, inclusive).</summary>
    public int MinSnrDb { get; init; } = -5;

    /// <summary>AudioGen: largest SNR (dB, integer draw, inclusive; audiocraft draws from [−5, 5)).</summary>
    public int MaxSnrDb { get; init; } = 4;

    /// <summary>AudioGen: lowest mixture RMS level (dBFS, integer draw, inclusive).</summary>
    public int MinMixDbfs { get; init; } = -35;

    /// <summary>AudioGen: highest mixture RMS level (dBFS, integer draw, inclusive; audiocraft draws from [−35, −15)).</summary>
    public int MaxMixDbfs { get; init; } = -16;

    /// <summary>AudioGen: the second clip overlaps at least this fraction of the shorter clip (or of the output when it is longer).</summary>
    public double MinOverlap { get; init; } = 0.5;

    /// <summary>No output sample may exceed this magnitude; louder mixes are scaled down as a whole (audiocraft uses 0.99).</summary>
    public double PeakCeiling { get; init; } = 0.99;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        Require(SampleRate is >= 1000 and <= 384_000, nameof(SampleRate), $"sample rate {SampleRate} must be in 1000..384000 Hz");
        Require(MaxSeconds is > 0 and <= 600, nameof(MaxSeconds), $"maxSeconds {MaxSeconds} must be in (0, 600]");
        Require(EnergyRatioRangeDb is >= 0 and <= 40, nameof(EnergyRatioRangeDb), $"energy ratio range {EnergyRatioRangeDb} dB must be in [0, 40]");
        Require(MinSnrDb <= MaxSnrDb, nameof(MinSnrDb), $"SNR range [{MinSnrDb}, {MaxSnrDb}] is empty");
        Require(MinMixDbfs <= MaxMixDbfs && MaxMixDbfs < 0, nameof(MinMixDbfs), $"mix level range [{MinMixDbfs}, {MaxMixDbfs}] dBFS must be non-empty and below 0");
        Require(ClipRmsDbfs < 0, nameof(ClipRmsDbfs), $"clip RMS level {ClipRmsDbfs} dBFS must be below 0");
        Require(MinOverlap is >= 0 and <= 1, nameof(MinOverlap), $"minimum overlap {MinOverlap} must be in [0, 1]");
        Require(PeakCeiling is > 0 and <= 1, nameof(PeakCeiling), $"peak ceiling {PeakCeiling} must be in (0, 1]");
    }

    private static void Require(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message + ".", name);
        }
    }
}

/// <summary>A rendered caption mix and everything needed to reproduce or audit it.</summary>
/// <param name="Audio">The mono mixture at the configured rate.</param>
/// <param name="FirstGainDb">Gain applied to the first clip (after mono/resampling), including the peak guard.</param>
/// <param name="SecondGainDb">Gain applied to the second clip, including the peak guard.</param>
/// <param name="FirstOffsetSeconds">Where the first clip starts in the output.</param>
/// <param name="SecondOffsetSeconds">Where the second clip starts in the output.</param>
/// <param name="RatioDb">Wu: the drawn energy ratio (first over second); AudioGen: the drawn SNR.</param>
/// <param name="MixLevelDbfs">AudioGen: the drawn mixture RMS level; null for Wu.</param>
/// <param name="PeakGuardDb">Gain the clipping guard applied to the whole mix (0 when none was needed, negative otherwise).</param>
/// <param name="Overlap">Overlapping duration over the shorter clip's (kept) duration.</param>
public sealed record CaptionMixResult(
    AudioBuffer Audio,
    double FirstGainDb,
    double SecondGainDb,
    double FirstOffsetSeconds,
    double SecondOffsetSeconds,
    double RatioDb,
    double? MixLevelDbfs,
    double PeakGuardDb,
    double Overlap);

/// <summary>Mixes two clips for caption mix-up (Wu et al. 2023 or AudioGen rules); deterministic given the seed.</summary>
public static class CaptionAudioMixer
{
    private const double SilentPower = 1e-12;

    /// <summary>Mixes <paramref name="first"/> and <paramref name="second"/> (any rate and channel count).</summary>
    public static CaptionMixResult Mix(AudioBuffer first, AudioBuffer second, CaptionMixOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var maxFrames = (int)Math.Round(options.MaxSeconds * options.SampleRate);
        var a = Prepare(first, options.SampleRate, maxFrames);
        var b = Prepare(second, options.SampleRate, maxFrames);
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException("Both clips of a caption mix need at least one sample.", a.Length == 0 ? nameof(first) : nameof(second));
        }

        var random = DeterministicRandom.ForUnit(seed, 0, stream: 0xA0D10);
        return options.Mode == CaptionMixMode.Wu ? MixWu(a, b, options, random) : MixAudioGen(a, b, options, random);
    }

    private static CaptionMixResult MixWu(float[] a, float[] b, CaptionMixOptions options, DeterministicRandom random)
    {
        // energy(A) / energy(gain·B) = 10^(r/10), r ~ U[−R, R] dB; A is left as is.
        var ratioDb = random.NextDouble(-options.EnergyRatioRangeDb, options.EnergyRatioRangeDb);
        var ea = FrameEnergy(a);
        var eb = FrameEnergy(b);
        var secondGain = ea > SilentPower && eb > SilentPower ? Math.Sqrt(ea / (eb * Math.Pow(10, ratioDb / 10))) : 1.0;
        var length = Math.Max(a.Length, b.Length);
        // The shorter clip enters the longer at a uniformly random offset.
        var offset = random.NextInt(Math.Abs(a.Length - b.Length) + 1);
        var (offsetA, offsetB) = a.Length >= b.Length ? (0, offset) : (offset, 0);
        return Finish(a, b, 1.0, secondGain, offsetA, offsetB, length, ratioDb, null, options);
    }

    private static CaptionMixResult MixAudioGen(float[] a, float[] b, CaptionMixOptions options, DeterministicRandom random)
    {
        var snrDb = random.NextInt(options.MinSnrDb, options.MaxSnrDb);
        var mixDbfs = random.NextInt(options.MinMixDbfs, options.MaxMixDbfs);
        var target = Math.Pow(10, options.ClipRmsDbfs / 20);
        var ra = Rms(a);
        var rb = Rms(b);
        var gainA = ra > 0 ? target / ra : 1.0;
        // Second clip: at the same level, then lowered by the SNR (SNR = level(first) − level(second)).
        var gainB = (rb > 0 ? target / rb : 1.0) * Math.Pow(10, -snrDb / 20.0);

        // Output as long as the first clip (audiocraft pads or cuts the second to the first's length).
        var length = a.Length;
        // The second clip starts late enough to vary but early enough to overlap at least MinOverlap of the shorter
        // clip: a second clip that fits stays whole; a longer one starts in [0, (1 − MinOverlap)·length] and is cut at
        // the end, as audiocraft's start in [0, 50 %] does.
        var maxOffset = b.Length <= length ? length - b.Length : (int)Math.Floor((1 - options.MinOverlap) * length);
        var offset = random.NextInt(maxOffset + 1);

        // Set the mixture to the drawn RMS level: compute the unscaled sum's RMS, then scale both gains.
        var sum = new float[length];
        Accumulate(sum, a, gainA, 0);
        Accumulate(sum, b, gainB, offset);
        var rms = Rms(sum);
        var levelGain = rms > 0 ? Math.Pow(10, mixDbfs / 20.0) / rms : 1.0;
        return Finish(a, b, gainA * levelGain, gainB * levelGain, 0, offset, length, snrDb, mixDbfs, options);
    }

    private static CaptionMixResult Finish(float[] a, float[] b, double gainA, double gainB, int offsetA, int offsetB, int length, double ratioDb, double? mixDbfs, CaptionMixOptions options)
    {
        var mix = new float[length];
        Accumulate(mix, a, gainA, offsetA);
        Accumulate(mix, b, gainB, offsetB);
        // Clipping guard: scale the whole mix so its peak stays at the ceiling; the applied gain is reported.
        var peak = 0f;
        foreach (var x in mix)
        {
            peak = Math.Max(peak, Math.Abs(x));
        }

        var guard = 1.0;
        if (peak > options.PeakCeiling)
        {
            guard = options.PeakCeiling / peak;
            for (var i = 0; i < mix.Length; i++)
            {
                mix[i] = (float)Math.Clamp(mix[i] * guard, -options.PeakCeiling, options.PeakCeiling);
            }
        }

        var overlapStart = Math.Max(offsetA, offsetB);
        var overlapEnd = Math.Min(Math.Min(offsetA + a.Length, length), Math.Min(offsetB + b.Length, length));
        var keptA = Math.Min(a.Length, length - offsetA);
        var keptB = Math.Min(b.Length, length - offsetB);
        var overlap = Math.Max(0, overlapEnd - overlapStart) / (double)Math.Max(1, Math.Min(keptA, keptB));
        var rate = options.SampleRate;
        return new CaptionMixResult(
            new AudioBuffer(rate, [mix]),
            Db(gainA * guard), Db(gainB * guard),
            (double)offsetA / rate, (double)offsetB / rate,
            ratioDb, mixDbfs, Db(guard), overlap);
    }

    private static void Accumulate(float[] into, float[] clip, double gain, int offset)
    {
        var n = Math.Min(clip.Length, into.Length - offset);
        var g = (float)gain;
        for (var i = 0; i < n; i++)
        {
            into[offset + i] += clip[i] * g;
        }
    }

    private static float[] Prepare(AudioBuffer clip, int rate, int maxFrames)
    {
        var mono = clip.ChannelCount == 1 ? clip : clip.ToMono();
        if (mono.SampleRate != rate)
        {
            mono = Resampler.Resample(mono, rate);
        }

        var samples = mono.Channels[0];
        return samples.Length > maxFrames ? samples[..maxFrames] : (float[])samples.Clone();
    }

    /// <summary>
    /// Wu et al.'s energy: the mean of squared frame RMS, librosa's defaults (frame 2048, hop 512, centred
    /// frames with zero padding).
    /// </summary>
    internal static double FrameEnergy(float[] x)
    {
        const int frame = 2048;
        const int hop = 512;
        // Prefix sums of squares make each frame's sum one subtraction instead of 2048 products.
        var prefix = new double[x.Length + 1];
        for (var i = 0; i < x.Length; i++)
        {
            prefix[i + 1] = prefix[i] + ((double)x[i] * x[i]);
        }

        var frames = 1 + (x.Length / hop);
        var total = 0.0;
        for (var f = 0; f < frames; f++)
        {
            var start = Math.Clamp((f * hop) - (frame / 2), 0, x.Length);
            var end = Math.Clamp((f * hop) + (frame / 2), 0, x.Length);
            total += (prefix[end] - prefix[start]) / frame;
        }

        return total / frames;
    }

    internal static double Rms(float[] x)
    {
        var sum = 0.0;
        foreach (var v in x)
        {
            sum += (double)v * v;
        }

        return x.Length == 0 ? 0 : Math.Sqrt(sum / x.Length);
    }

    private static double Db(double gain) => 20 * Math.Log10(gain);
}
