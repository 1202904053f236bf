namespace AudioMix.Audio.Loudness;

/// <summary>
/// Integrated loudness and sample peak per ITU-R BS.1770-4 (EBU R 128 / EBU Tech 3341 "I"):
/// K-weighting, 400 ms gating blocks with 75 % overlap, an absolute gate at −70 LUFS and a relative
/// gate 10 LU below the absolutely-gated loudness; L = −0.691 + 10·log10(Σ G_i·z_i).
/// </summary>
/// <remarks>
/// <para>Channel weights G_i: 1.0 for every channel, except for 6 channels (5.1, taken in the
/// SMPTE/WAVE order L R C LFE Ls Rs) and 8 channels (7.1: L R C LFE Ls Rs Lss Rss, or back/side in either
/// order), where channel index 3 (LFE) is excluded (G = 0) and the surround channels from index 4 on
/// get G = 1.41 (BS.1770-4 Table 3). This matches ffmpeg's <c>ebur128</c> filter for its default 5.1 / 7.1 layouts.</para>
/// <para>Blocks are 400 ms long and start every 100 ms; 100 ms boundaries fall at ⌊k·fs/10⌋, so rates not
/// divisible by 10 get blocks that differ by one sample, averaged exactly over their own length. A
/// trailing part shorter than a whole block is not a block (as in BS.1770).</para>
/// <para>Input shorter than one 400 ms block: BS.1770 defines no measurement (libebur128 and ffmpeg
/// report −∞ / −70). Here the whole input is treated as a single gating block instead (mean square over
/// all its samples, absolute gate applied), so a 300 ms clip gets a usable loudness rather than −∞ —
/// AudioMix normalises short clips (keywords, events) routinely. Zero samples give −∞.</para>
/// <para>Streaming via <see cref="Add"/> gives bit-identical results to <see cref="Measure"/> for any
/// block split: filtering and accumulation run sample by sample in double precision in time order.</para>
/// </remarks>
public sealed class LoudnessMeter
{
    private const double AbsoluteGateLufs = -70;
    private const double RelativeGateLu = -10;
    private const double LoudnessOffset = -0.691;

    private readonly int _sampleRate;
    private readonly int _channels;
    private readonly double[] _weights;
    private readonly Biquad _shelf;
    private readonly Biquad _highPass;

    // Per-channel filter state: transposed direct form II, two words per stage.
    private readonly double[] _state;

    // Per-channel sum of squares of the K-weighted signal in the current 100 ms sub-block.
    private readonly double[] _subBlockSums;

    // Closed 100 ms sub-blocks: channel-weighted sum of squares (Σ_i G_i Σ_n y_i²) and sample count.
    private readonly List<double> _subBlockEnergy = [];
    private readonly List<int> _subBlockFrames = [];

    private long _frames;
    private long _subBlockEnd;
    private double _peak;

    /// <summary>Creates a meter for a stream of the given rate and channel count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate or the channel count is not positive.</exception>
    public LoudnessMeter(int sampleRate, int channels)
    {
        if (sampleRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"Sample rate must be positive (got {sampleRate} Hz).");
        }

        if (channels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"Channel count must be at least 1 (got {channels}).");
        }

        _sampleRate = sampleRate;
        _channels = channels;
        _weights = ChannelWeights(channels);
        _shelf = KWeighting.Shelf(sampleRate);
        _highPass = KWeighting.HighPass(sampleRate);
        _state = new double[channels * 4];
        _subBlockSums = new double[channels];
        _subBlockEnd = SubBlockBoundary(1);
    }

    /// <summary>The BS.1770-4 channel weights used for <paramref name="channels"/> channels (see the class remarks).</summary>
    internal static double[] ChannelWeights(int channels)
    {
        var weights = new double[channels];
        Array.Fill(weights, 1.0);
        if (channels is 6 or 8)
        {
            weights[3] = 0;
            for (var c = 4; c < channels; c++)
            {
                weights[c] = 1.41;
            }
        }

        return weights;
    }

    /// <summary>Measures a whole buffer.</summary>
    public static LoudnessResult Measure(AudioBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var meter = new LoudnessMeter(buffer.SampleRate, buffer.ChannelCount);
        meter.Add(buffer);
        return meter.GetResult();
    }

    /// <summary>Adds the next block of the stream (any number of frames; the meter's rate and channel count).</summary>
    /// <exception cref="ArgumentException">The block's sample rate or channel count differs from the meter's.</exception>
    public void Add(AudioBuffer block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.SampleRate != _sampleRate)
        {
            throw new ArgumentException(
                $"Block sample rate {block.SampleRate} Hz does not match the meter's rate {_sampleRate} Hz.", nameof(block));
        }

        if (block.ChannelCount != _channels)
        {
            throw new ArgumentException(
                $"Block has {block.ChannelCount} channels but the meter was created for {_channels}.", nameof(block));
        }

        _peak = Math.Max(_peak, block.Peak());
        var offset = 0;
        var frames = block.Frames;
        while (offset < frames)
        {
            // Process up to the end of the current 100 ms sub-block.
            var n = (int)Math.Min(frames - offset, _subBlockEnd - _frames);
            for (var c = 0; c < _channels; c++)
            {
                _subBlockSums[c] = FilterAndSquare(block.Channels[c].AsSpan(offset, n), c, _subBlockSums[c]);
            }

            offset += n;
            _frames += n;
            if (_frames == _subBlockEnd)
            {
                CloseSubBlock();
            }
        }
    }

    /// <summary>The integrated loudness and sample peak of everything added so far.</summary>
    public LoudnessResult GetResult() => new(IntegratedLoudness(), _peak);

    private double IntegratedLoudness()
    {
        var blockCount = _subBlockEnergy.Count - 3;
        if (blockCount <= 0)
        {
            return ShortInputLoudness();
        }

        // Mean-square (channel-weighted) of every 400 ms block: four consecutive 100 ms sub-blocks.
        var energies = new double[blockCount];
        for (var j = 0; j < blockCount; j++)
        {
            double sum = 0;
            long count = 0;
            for (var k = j; k < j + 4; k++)
            {
                sum += _subBlockEnergy[k];
                count += _subBlockFrames[k];
            }

            energies[j] = sum / count;
        }

        // Absolute gate (BS.1770-4 eq. 4–5): keep blocks louder than −70 LUFS.
        var absoluteThreshold = EnergyOf(AbsoluteGateLufs);
        var (absSum, absCount) = GatedMean(energies, absoluteThreshold);
        if (absCount == 0)
        {
            return double.NegativeInfinity;
        }

        // Relative gate: 10 LU below the loudness of the absolutely gated blocks.
        var relativeThreshold = Math.Max(absoluteThreshold, absSum / absCount * Math.Pow(10, RelativeGateLu / 10));
        var (sumGated, countGated) = GatedMean(energies, relativeThreshold);
        return countGated == 0 ? double.NegativeInfinity : LoudnessOf(sumGated / countGated);
    }

    /// <summary>Fewer than 400 ms: the whole input is one block (see the class remarks).</summary>
    private double ShortInputLoudness()
    {
        if (_frames == 0)
        {
            return double.NegativeInfinity;
        }

        var energy = 0.0;
        foreach (var e in _subBlockEnergy)
        {
            energy += e;
        }

        for (var c = 0; c < _channels; c++)
        {
            energy += _weights[c] * _subBlockSums[c];
        }

        energy /= _frames;
        return energy > EnergyOf(AbsoluteGateLufs) ? LoudnessOf(energy) : double.NegativeInfinity;
    }

    private static (double Sum, int Count) GatedMean(double[] energies, double threshold)
    {
        double sum = 0;
        var count = 0;
        foreach (var e in energies)
        {
            // Strictly above the gate, as in BS.1770-4's J_g = { j : l_j > Γ }.
            if (e > threshold)
            {
                sum += e;
                count++;
            }
        }

        return (sum, count);
    }

    private static double LoudnessOf(double energy) => LoudnessOffset + (10 * Math.Log10(energy));

    private static double EnergyOf(double lufs) => Math.Pow(10, (lufs - LoudnessOffset) / 10);

    private void CloseSubBlock()
    {
        double energy = 0;
        for (var c = 0; c < _channels; c++)
        {
            energy += _weights[c] * _subBlockSums[c];
            _subBlockSums[c] = 0;
        }

        var k = _subBlockEnergy.Count;
        _subBlockEnergy.Add(energy);
        _subBlockFrames.Add((int)(SubBlockBoundary(k + 1) - SubBlockBoundary(k)));
        _subBlockEnd = SubBlockBoundary(k + 2);
    }

    private long SubBlockBoundary(long k) => k * _sampleRate / 10;

    /// <summary>
    /// Runs both K-weighting stages over <paramref name="samples"/> for channel <paramref name="c"/> and
    /// returns <paramref name="sum"/> + Σ y² (continuing the running sum keeps the result independent of how the stream was split).
    /// </summary>
    private double FilterAndSquare(ReadOnlySpan<float> samples, int c, double sum)
    {
        var s = _state.AsSpan(c * 4, 4);
        double s1 = s[0], s2 = s[1], t1 = s[2], t2 = s[3];
        var (a, b) = (_shelf, _highPass);
        foreach (var sample in samples)
        {
            double x = sample;
            var y = (a.B0 * x) + s1;
            s1 = (a.B1 * x) - (a.A1 * y) + s2;
            s2 = (a.B2 * x) - (a.A2 * y);

            var z = (b.B0 * y) + t1;
            t1 = (b.B1 * y) - (b.A1 * z) + t2;
            t2 = (b.B2 * y) - (b.A2 * z);
            sum += z * z;
        }

        s[0] = s1;
        s[1] = s2;
        s[2] = t1;
        s[3] = t2;
        return sum;
    }
}
