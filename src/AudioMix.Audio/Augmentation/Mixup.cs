using AudioMix.Audio.Dsp;
using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Augmentation;

/// <summary>How the mix's length relates to its two sources.</summary>
public enum MixLengthPolicy
{
    /// <summary>As long as the anchor: the partner is cropped or zero-padded.</summary>
    Anchor,

    /// <summary>As long as the shorter source: both are cropped.</summary>
    Shortest,

    /// <summary>As long as the longer source: the shorter is zero-padded.</summary>
    Longest,
}

/// <summary>Parameters of classic mixup (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization").</summary>
public sealed record MixupOptions
{
    /// <summary>λ ~ Beta(α, α); 0.4 is the paper's ImageNet/speech setting.</summary>
    public double Alpha { get; init; } = 0.4;

    /// <summary>Output length rule.</summary>
    public MixLengthPolicy Length { get; init; } = MixLengthPolicy.Anchor;

    /// <summary>
    /// Both sources are brought to this integrated loudness before mixing; null aligns the partner
    /// to the anchor's own loudness. Without alignment λ would weigh recording level, not content.
    /// </summary>
    public double? TargetLufs { get; init; }

    /// <summary>The mix is scaled down (never up) so its sample peak stays at or below this (linear).</summary>
    public float PeakCeiling { get; init; } = 0.99f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad parameter.</summary>
    public void Validate()
    {
        if (!(Alpha > 0) || double.IsInfinity(Alpha))
        {
            throw new ArgumentException($"mixup alpha must be positive (got {Alpha}).");
        }

        if (TargetLufs is { } t && (!double.IsFinite(t) || t > 0 || t < -70))
        {
            throw new ArgumentException($"mixup targetLufs must be in -70..0 (got {t}).");
        }

        if (!(PeakCeiling > 0 && PeakCeiling <= 1))
        {
            throw new ArgumentException($"mixup peak ceiling must be in (0, 1] (got {PeakCeiling}).");
        }
    }
}

/// <summary>One planned mix: which items, and the weight of the anchor.</summary>
/// <param name="Anchor">Index of the anchor item.</param>
/// <param name="Partner">Index of the partner item (never the anchor).</param>
/// <param name="Lambda">The anchor's weight λ; the partner gets 1 − λ.</param>
public sealed record MixupPair(int Anchor, int Partner, double Lambda);

/// <summary>The mixed audio and what was done to get it (for the manifest's provenance).</summary>
public sealed record MixupResult(
    AudioBuffer Audio,
    double Lambda,
    double AnchorGainDb,
    double PartnerGainDb,
    double PeakGuardDb,
    double PartnerResampleRatio);

/// <summary>Plans and renders classic mixup of two clips.</summary>
public static class Mixup
{
    /// <summary>
    /// Plans <paramref name="count"/> mixes over <paramref name="itemCount"/> items, deterministic
    /// given <paramref name="seed"/>. Anchors cycle through seeded permutations so every item anchors
    /// equally often (±1); partners are uniform over the other items.
    /// </summary>
    public static IReadOnlyList<MixupPair> Plan(int itemCount, int count, double alpha, long seed)
    {
        if (itemCount < 2)
        {
            throw new ArgumentException($"mixup needs at least 2 items (the dataset has {itemCount}).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        new MixupOptions { Alpha = alpha }.Validate();
        var order = new DeterministicRandom(unchecked((ulong)seed));
        var permutation = Enumerable.Range(0, itemCount).ToArray();
        var pairs = new List<MixupPair>(count);
        for (var u = 0; u < count; u++)
        {
            if (u % itemCount == 0)
            {
                Shuffle(permutation, order);
            }

            var anchor = permutation[u % itemCount];
            var partner = order.NextInt(itemCount - 1);
            if (partner >= anchor)
            {
                partner++;
            }

            // λ from the unit's own stream: a unit's mix does not depend on which other units exist.
            var lambda = DeterministicRandom.ForUnit(seed, u, stream: 1).NextBeta(alpha, alpha);
            pairs.Add(new MixupPair(anchor, partner, lambda));
        }

        return pairs;
    }

    /// <summary>
    /// Mixes <paramref name="anchor"/> and <paramref name="partner"/> as λ·a + (1 − λ)·b after
    /// matching rate and channels to the anchor and aligning their loudness.
    /// </summary>
    public static MixupResult Mix(AudioBuffer anchor, AudioBuffer partner, double lambda, MixupOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must lie in [0, 1].");
        }

        var ratio = 1.0;
        if (partner.SampleRate != anchor.SampleRate)
        {
            ratio = (double)anchor.SampleRate / partner.SampleRate;
            partner = Resampler.Resample(partner, anchor.SampleRate);
        }

        partner = MatchChannels(partner, anchor.ChannelCount);

        var anchorLufs = LoudnessMeter.Measure(anchor).IntegratedLufs;
        var partnerLufs = LoudnessMeter.Measure(partner).IntegratedLufs;
        var target = options.TargetLufs ?? anchorLufs;
        // A silent source keeps unit gain: there is no level to align, and boosting noise floors helps nobody.
        var anchorGainDb = options.TargetLufs is not null && double.IsFinite(anchorLufs) ? target - anchorLufs : 0;
        var partnerGainDb = double.IsFinite(partnerLufs) && double.IsFinite(target) ? target - partnerLufs : 0;

        var frames = options.Length switch
        {
            MixLengthPolicy.Anchor => anchor.Frames,
            MixLengthPolicy.Shortest => Math.Min(anchor.Frames, partner.Frames),
            MixLengthPolicy.Longest => Math.Max(anchor.Frames, partner.Frames),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Length, "Unknown length policy."),
        };

        var wa = (float)(lambda * Math.Pow(10, anchorGainDb / 20));
        var wb = (float)((1 - lambda) * Math.Pow(10, partnerGainDb / 20));
        var output = AudioBuffer.Silence(anchor.SampleRate, anchor.ChannelCount, frames);
        for (var c = 0; c < output.ChannelCount; c++)
        {
            var y = output.Channels[c];
            var a = anchor.Channels[c];
            var b = partner.Channels[c];
            for (int i = 0, n = Math.Min(frames, a.Length); i < n; i++)
            {
                y[i] = wa * a[i];
            }

            for (int i = 0, n = Math.Min(frames, b.Length); i < n; i++)
            {
                y[i] += wb * b[i];
            }
        }

        var peak = output.Peak();
        var guardDb = 0.0;
        if (peak > options.PeakCeiling)
        {
            var g = options.PeakCeiling / peak;
            output.ApplyGain(g);
            guardDb = 20 * Math.Log10(g);
        }

        return new MixupResult(output, lambda, anchorGainDb, partnerGainDb, guardDb, ratio);
    }

    /// <summary>
    /// Soft labels of a mix: each anchor label weighs λ / (its label count), each partner label
    /// (1 − λ) / (its count); a label on both sides sums. Weights add up to 1.
    /// </summary>
    public static IReadOnlyDictionary<string, double> SoftLabels(IReadOnlyList<string> anchorLabels, IReadOnlyList<string> partnerLabels, double lambda)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        Add(anchorLabels, lambda);
        Add(partnerLabels, 1 - lambda);
        return result;

        void Add(IReadOnlyList<string> labels, double weight)
        {
            var distinct = labels.Where(l => !string.IsNullOrWhiteSpace(l)).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var label in distinct)
            {
                result[label] = result.GetValueOrDefault(label) + weight / distinct.Length;
            }
        }
    }

    /// <summary>Mono ↔ N channels: mono is copied to every channel, N → mono averages, anything else is refused.</summary>
    public static AudioBuffer MatchChannels(AudioBuffer buffer, int channels)
    {
        if (buffer.ChannelCount == channels)
        {
            return buffer;
        }

        if (channels == 1)
        {
            return buffer.ToMono();
        }

        if (buffer.ChannelCount == 1)
        {
            var data = new float[channels][];
            for (var c = 0; c < channels; c++)
            {
                data[c] = (float[])buffer.Channels[0].Clone();
            }

            return new AudioBuffer(buffer.SampleRate, data);
        }

        throw new ArgumentException($"Cannot map {buffer.ChannelCount} channels onto {channels}; mix sources must be mono or share a layout.");
    }

    private static void Shuffle(int[] values, DeterministicRandom rng)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
