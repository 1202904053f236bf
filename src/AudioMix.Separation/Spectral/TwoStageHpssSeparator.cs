using AudioMix.Audio;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// Vocals vs accompaniment by two HPSS passes, long window then short (see <see cref="TwoStageHpssOptions"/> for the
/// method and its sources). Both passes are <see cref="HpssSeparator"/>s, so streaming is exact: the first pass's
/// percussive blocks are pushed into the second pass on the same thread as they become final, and the
/// accompaniment is the sample-aligned sum of the first pass's harmonic and the second pass's percussive blocks.
/// </summary>
internal sealed class TwoStageHpssSeparator(TwoStageHpssOptions options, torch.Device? device = null) : ISeparator
{
    private readonly TwoStageHpssOptions _options = Validated(options);
    private (int Rate, HpssSeparator Long, HpssSeparator Short)? _stages;
    private bool _disposed;

    public string Method => "two-stage-hpss";

    public IReadOnlyList<string> StemNames { get; } = ["vocals", "accompaniment"];

    public IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["longWindowSeconds"] = _options.LongWindowSeconds,
        ["longHarmonicKernelSeconds"] = _options.LongHarmonicKernelSeconds,
        ["longPercussiveKernelHz"] = _options.LongPercussiveKernelHz,
        ["shortWindowSeconds"] = _options.ShortWindowSeconds,
        ["shortHarmonicKernelSeconds"] = _options.ShortHarmonicKernelSeconds,
        ["shortPercussiveKernelHz"] = _options.ShortPercussiveKernelHz,
        ["power"] = _options.Power,
    };

    public IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var (first, second) = Stages(mixture.SampleRate);
        var split = first.Separate(mixture, cancellationToken);
        var voiced = second.Separate(split["percussive"], cancellationToken);
        var accompaniment = split["harmonic"].Clone();
        AddInto(accompaniment, 0, voiced["percussive"], 0, accompaniment.Frames);
        return new Dictionary<string, AudioBuffer>(StringComparer.Ordinal)
        {
            ["vocals"] = voiced["harmonic"],
            ["accompaniment"] = accompaniment,
        };
    }

    public void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(onStemBlock);
        ObjectDisposedException.ThrowIf(_disposed, this);
        SpectralSeparator.StreamRun? firstRun = null;
        SpectralSeparator.StreamRun? secondRun = null;
        var accompaniment = new AlignedSum(block => onStemBlock("accompaniment", block));
        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (firstRun is null)
            {
                // The passes' FFT sizes follow the rate, so they are made when the first block shows it.
                var (first, second) = Stages(block.SampleRate);
                secondRun = second.StartStream((stem, part) =>
                {
                    if (stem == "harmonic")
                    {
                        onStemBlock("vocals", part);
                    }
                    else
                    {
                        accompaniment.AddSecond(part);
                    }
                });
                firstRun = first.StartStream((stem, part) =>
                {
                    if (stem == "percussive")
                    {
                        secondRun.Append(part, cancellationToken);
                    }
                    else
                    {
                        accompaniment.AddFirst(part);
                    }
                });
            }

            firstRun.Append(block, cancellationToken);
        }

        if (firstRun is null || secondRun is null)
        {
            throw new InvalidOperationException($"{Method}: the stream holds no audio.");
        }

        firstRun.Complete(cancellationToken);
        secondRun.Complete(cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeStages();
    }

    private (HpssSeparator First, HpssSeparator Second) Stages(int sampleRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stages is { } cached && cached.Rate == sampleRate)
        {
            return (cached.Long, cached.Short);
        }

        DisposeStages();
        var longFft = TwoStageHpssOptions.FftSize(_options.LongWindowSeconds, sampleRate);
        var shortFft = TwoStageHpssOptions.FftSize(_options.ShortWindowSeconds, sampleRate);
        if (shortFft >= longFft)
        {
            throw new ArgumentException(
                $"{Method}: at {sampleRate} Hz both windows round to {longFft}-point FFTs; the short window must be shorter than the long one.");
        }

        var first = new HpssSeparator(new HpssOptions(longFft, longFft / 4, _options.LongHarmonicKernelSeconds, _options.LongPercussiveKernelHz, _options.Power), device);
        try
        {
            var second = new HpssSeparator(new HpssOptions(shortFft, shortFft / 4, _options.ShortHarmonicKernelSeconds, _options.ShortPercussiveKernelHz, _options.Power), device);
            _stages = (sampleRate, first, second);
            return (first, second);
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    private void DisposeStages()
    {
        if (_stages is { } stages)
        {
            stages.Long.Dispose();
            stages.Short.Dispose();
            _stages = null;
        }
    }

    private static TwoStageHpssOptions Validated(TwoStageHpssOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static void AddInto(AudioBuffer target, int targetStart, AudioBuffer source, int sourceStart, int count)
    {
        for (var c = 0; c < target.ChannelCount; c++)
        {
            var to = target.Channels[c];
            var from = source.Channels[c];
            for (var i = 0; i < count; i++)
            {
                to[targetStart + i] += from[sourceStart + i];
            }
        }
    }

    /// <summary>
    /// Sums two streams of consecutive blocks that cover the same samples but arrive in different block sizes and
    /// at different times; hands on each stretch as soon as both sides have it.
    /// </summary>
    private sealed class AlignedSum(Action<AudioBuffer> emit)
    {
        private readonly Queue<AudioBuffer> _first = new();
        private readonly Queue<AudioBuffer> _second = new();
        private int _firstOffset;
        private int _secondOffset;

        public void AddFirst(AudioBuffer block)
        {
            _first.Enqueue(block);
            Drain();
        }

        public void AddSecond(AudioBuffer block)
        {
            _second.Enqueue(block);
            Drain();
        }

        private void Drain()
        {
            while (_first.Count > 0 && _second.Count > 0)
            {
                var a = _first.Peek();
                var b = _second.Peek();
                var count = Math.Min(a.Frames - _firstOffset, b.Frames - _secondOffset);
                if (count > 0)
                {
                    var sum = a.Slice(_firstOffset, count);
                    AddInto(sum, 0, b, _secondOffset, count);
                    emit(sum);
                }

                _firstOffset += count;
                _secondOffset += count;
                if (_firstOffset == a.Frames)
                {
                    _first.Dequeue();
                    _firstOffset = 0;
                }

                if (_secondOffset == b.Frames)
                {
                    _second.Dequeue();
                    _secondOffset = 0;
                }
            }
        }
    }
}
