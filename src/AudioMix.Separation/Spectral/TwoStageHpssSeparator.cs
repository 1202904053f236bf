using AudioMix.Audio;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// Vocals vs accompaniment by two HPSS passes, long window then short, and on stereo a centre filter (see
/// <see cref="TwoStageHpssOptions"/> for the method and its sources). Every pass is a <see cref="SpectralSeparator"/>,
/// so streaming is exact: each pass's blocks are pushed into the next on the same thread as they become final, and
/// the accompaniment is the sample-aligned sum of what each pass sets aside (first pass harmonic, second pass
/// percussive, centre filter sides).
/// </summary>
internal sealed class TwoStageHpssSeparator(TwoStageHpssOptions options, torch.Device? device = null) : ISeparator
{
    private readonly TwoStageHpssOptions _options = Validated(options);
    private (int Rate, HpssSeparator Long, HpssSeparator Short)? _stages;
    private MidSideSeparator? _centre;
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
        ["centreStereo"] = _options.CentreStereo ? "true" : "false",
    };

    public IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var (first, second) = Stages(mixture.SampleRate);
        CheckLength(mixture.Frames);
        var split = first.Separate(mixture, cancellationToken);
        var voiced = second.Separate(split["percussive"], cancellationToken);
        var vocals = voiced["harmonic"];
        var accompaniment = split["harmonic"].Clone();
        AddInto(accompaniment, 0, voiced["percussive"], 0, accompaniment.Frames);
        if (Centre(mixture.ChannelCount) is { } centre)
        {
            var panned = centre.Separate(vocals, cancellationToken);
            vocals = panned["centre"];
            AddInto(accompaniment, 0, panned["sides"], 0, accompaniment.Frames);
        }

        return new Dictionary<string, AudioBuffer>(StringComparer.Ordinal)
        {
            ["vocals"] = vocals,
            ["accompaniment"] = accompaniment,
        };
    }

    public void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(onStemBlock);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var runs = new List<SpectralSeparator.StreamRun>();
        long received = 0;
        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            received += block.Frames;
            if (runs.Count == 0)
            {
                // The passes' FFT sizes follow the rate and the centre filter the layout, so they are set up when
                // the first block shows both. Each pass feeds the next; what each sets aside joins the accompaniment.
                var (first, second) = Stages(block.SampleRate);
                var centre = Centre(block.ChannelCount);
                var accompaniment = new AlignedSum(centre is null ? 2 : 3, part => onStemBlock("accompaniment", part));
                var centreRun = centre?.StartStream((stem, part) =>
                {
                    if (stem == "centre")
                    {
                        onStemBlock("vocals", part);
                    }
                    else
                    {
                        accompaniment.Add(2, part);
                    }
                });
                var secondRun = second.StartStream((stem, part) =>
                {
                    if (stem != "harmonic")
                    {
                        accompaniment.Add(1, part);
                    }
                    else if (centreRun is null)
                    {
                        onStemBlock("vocals", part);
                    }
                    else
                    {
                        centreRun.Append(part, cancellationToken);
                    }
                });
                var firstRun = first.StartStream((stem, part) =>
                {
                    if (stem == "percussive")
                    {
                        secondRun.Append(part, cancellationToken);
                    }
                    else
                    {
                        accompaniment.Add(0, part);
                    }
                });
                runs.AddRange(centreRun is null ? [firstRun, secondRun] : [firstRun, secondRun, centreRun]);
            }

            runs[0].Append(block, cancellationToken);
        }

        if (runs.Count == 0)
        {
            throw new InvalidOperationException($"{Method}: the stream holds no audio.");
        }

        CheckLength(received);

        // In pipeline order: each pass's tail flushes into the next before that one completes.
        foreach (var run in runs)
        {
            run.Complete(cancellationToken);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeStages();
        _centre?.Dispose();
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

    /// <summary>
    /// The first pass's FFT bounds the shortest usable input; checked here so the error names this method and its
    /// window rather than the inner "hpss" pass.
    /// </summary>
    private void CheckLength(long frames)
    {
        var longFft = _stages!.Value.Long.StftOptions.FftSize;
        if (frames <= longFft / 2)
        {
            throw new ArgumentException(
                $"{Method}: the audio ({frames} samples) is too short for the {_options.LongWindowSeconds} s first-pass window ({longFft}-point FFT; needs more than {longFft / 2} samples).");
        }
    }

    /// <summary>The centre filter for this channel count, or null when it does not apply.</summary>
    private MidSideSeparator? Centre(int channels)
    {
        if (!_options.CentreStereo || channels != 2)
        {
            return null;
        }

        return _centre ??= new MidSideSeparator(new MidSideOptions(), device);
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
    /// Sums streams of consecutive blocks that cover the same samples but arrive in different block sizes and at
    /// different times; hands on each stretch as soon as every stream has it.
    /// </summary>
    private sealed class AlignedSum(int streams, Action<AudioBuffer> emit)
    {
        private readonly Queue<AudioBuffer>[] _queues = [.. Enumerable.Range(0, streams).Select(_ => new Queue<AudioBuffer>())];
        private readonly int[] _offsets = new int[streams];

        public void Add(int stream, AudioBuffer block)
        {
            _queues[stream].Enqueue(block);
            while (_queues.All(q => q.Count > 0))
            {
                var count = _queues.Select((q, i) => q.Peek().Frames - _offsets[i]).Min();
                if (count > 0)
                {
                    var sum = _queues[0].Peek().Slice(_offsets[0], count);
                    for (var i = 1; i < _queues.Length; i++)
                    {
                        AddInto(sum, 0, _queues[i].Peek(), _offsets[i], count);
                    }

                    emit(sum);
                }

                for (var i = 0; i < _queues.Length; i++)
                {
                    _offsets[i] += count;
                    if (_offsets[i] == _queues[i].Peek().Frames)
                    {
                        _queues[i].Dequeue();
                        _offsets[i] = 0;
                    }
                }
            }
        }
    }
}
