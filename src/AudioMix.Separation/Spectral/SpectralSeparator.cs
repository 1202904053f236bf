using AudioMix.Audio;
using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// Base of the separators that work on the short-time Fourier transform: a subclass estimates each stem's
/// complex spectrogram from the mixture's (masking, Wiener filtering); this class does the transforms, both for
/// a whole buffer (torch.stft / torch.istft through <see cref="Stft"/>) and block-wise for streams.
/// </summary>
/// <remarks>
/// Streaming is exact, not approximate: the STFT of frame <c>t</c> depends only on the samples under it (with the
/// same reflect padding at the true file edges as torch.stft's <c>center=True</c>), a subclass declares how many
/// frames of context on each side its estimate of one frame needs (<see cref="ContextFrames"/>: half a median
/// kernel, a similarity search window, smoothing windows…), and the inverse is the same weighted overlap-add as
/// torch.istft (Σ frames·w ÷ Σ w², Griffin &amp; Lim 1984). So every output sample equals whole-buffer processing up
/// to float rounding, with memory bounded by the block and context sizes, never by the stream length.
/// </remarks>
internal abstract class SpectralSeparator : ISeparator
{
    private readonly Stft _centred;
    private readonly Stft _uncentred;
    private readonly torch.Tensor _window;
    private bool _disposed;

    protected SpectralSeparator(StftOptions stft, torch.Device? device, int blockFrames)
    {
        ArgumentNullException.ThrowIfNull(stft);
        if (stft.WindowLength is not null && stft.WindowLength != stft.FftSize)
        {
            throw new ArgumentException("Separators use a window as long as the FFT.", nameof(stft));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blockFrames);
        StftOptions = stft with { Center = true };
        _centred = new Stft(StftOptions, device);
        _uncentred = new Stft(StftOptions with { Center = false }, device);
        Device = _centred.Device;
        BlockFrames = blockFrames > 0 ? blockFrames : Math.Max(16, DefaultBlockSamples / stft.HopLength);
        _window = torch.hann_window(stft.FftSize, periodic: true, dtype: torch.ScalarType.Float32, device: Device).DetachFromDisposeScope();
    }

    /// <summary>
    /// Samples a streamed block estimates at a time when none is given (0): 256 frames at hop 512. Per-block tensors grow
    /// with the FFT size times the frame count, so the frame count follows the hop: the one-hour HPSS test peaked at
    /// 1.10 GB with 256-frame blocks at 8192/2048 and stays near the 2048/512 figure (0.48 GB) this way.
    /// </summary>
    public const int DefaultBlockSamples = 256 * 512;

    public abstract string Method { get; }

    public abstract IReadOnlyList<string> StemNames { get; }

    public abstract IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>The transform parameters (always centred).</summary>
    public StftOptions StftOptions { get; }

    /// <summary>Where tensors live.</summary>
    public torch.Device Device { get; }

    /// <summary>Frames estimated per streamed block.</summary>
    public int BlockFrames { get; }

    /// <summary>The sample rate of the audio being separated (set before <see cref="ContextFrames"/> and <see cref="Estimate"/> are used).</summary>
    protected int SampleRate { get; private set; }

    /// <summary>Seconds between frames at <see cref="SampleRate"/>.</summary>
    protected double FrameSeconds => (double)StftOptions.HopLength / SampleRate;

    /// <summary>Hz between bins at <see cref="SampleRate"/>.</summary>
    protected double BinHz => (double)SampleRate / StftOptions.FftSize;

    /// <summary>An odd frame count covering about <paramref name="seconds"/> (at least 1).</summary>
    protected int OddFrames(double seconds) => Odd(seconds / FrameSeconds);

    /// <summary>An odd bin count covering about <paramref name="hz"/> (at least 1).</summary>
    protected int OddBins(double hz) => Odd(hz / BinHz);

    private static int Odd(double length)
    {
        var n = Math.Max(1, (int)Math.Round(length));
        return n % 2 == 1 ? n : n + 1;
    }

    /// <summary>Frames on each side of a frame that its stem estimate depends on.</summary>
    protected abstract int ContextFrames { get; }

    /// <summary>
    /// Estimates the stems of frames <c>[keepStart, keepStart + keepCount)</c> of <paramref name="spectrum"/>
    /// (complex <c>[channels, bins, frames]</c>, consecutive frames of the signal; when the first or last frame is the
    /// signal's own first or last, the method's edge handling applies there). Returns complex
    /// <c>[stems, channels, bins, keepCount]</c>.
    /// </summary>
    protected abstract torch.Tensor Estimate(torch.Tensor spectrum, int keepStart, int keepCount);

    /// <summary>Rejects channel layouts the method cannot use (default: any).</summary>
    protected virtual void CheckChannels(int channels)
    {
    }

    public IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ObjectDisposedException.ThrowIf(_disposed, this);
        SampleRate = mixture.SampleRate;
        CheckChannels(mixture.ChannelCount);
        CheckLength(mixture.Frames, nameof(mixture));
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = torch.NewDisposeScope();
        var x = SeparationTensors.FromChannels(mixture.Channels, Device);
        var spectrum = _centred.Forward(x);
        var frames = (int)spectrum.shape[^1];
        var stems = Estimate(spectrum, 0, frames);
        var signals = _centred.Inverse(stems, mixture.Frames);
        var result = new Dictionary<string, AudioBuffer>(StringComparer.Ordinal);
        for (var s = 0; s < StemNames.Count; s++)
        {
            result[StemNames[s]] = new AudioBuffer(mixture.SampleRate, SeparationTensors.ToChannels(signals[s]));
        }

        return result;
    }

    public void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(onStemBlock);
        var run = StartStream(onStemBlock);
        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.Append(block, cancellationToken);
        }

        run.Complete(cancellationToken);
    }

    /// <summary>
    /// Starts a push-style stream: blocks go in with <see cref="StreamRun.Append"/>, stems come out through
    /// <paramref name="onStemBlock"/> as they become final, <see cref="StreamRun.Complete"/> flushes the tail. Lets one
    /// separator feed another on the same thread (see <see cref="TwoStageHpssSeparator"/>).
    /// </summary>
    internal StreamRun StartStream(Action<string, AudioBuffer> onStemBlock)
    {
        ArgumentNullException.ThrowIfNull(onStemBlock);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StreamRun(this, onStemBlock);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _window.Dispose();
        _centred.Dispose();
        _uncentred.Dispose();
        DisposeCore();
    }

    /// <summary>Releases subclass resources.</summary>
    protected virtual void DisposeCore()
    {
    }

    private void CheckLength(long frames, string parameter)
    {
        if (frames <= StftOptions.FftSize / 2)
        {
            throw new ArgumentException(
                $"{Method}: the audio ({frames} samples) is too short for an FFT of {StftOptions.FftSize} (needs more than {StftOptions.FftSize / 2} samples).",
                parameter);
        }
    }

    /// <summary>One streamed separation: a sliding window over the reflect-padded signal and overlap-add accumulators.</summary>
    internal sealed class StreamRun(SpectralSeparator owner, Action<string, AudioBuffer> sink)
    {
        private readonly int _n = owner.StftOptions.FftSize;
        private readonly int _hop = owner.StftOptions.HopLength;
        private readonly int _half = owner.StftOptions.FftSize / 2;
        private int _rate = -1;
        private int _channels = -1;

        // Input in "padded" coordinates p = x + FftSize/2 (the frame t covers p ∈ [t·hop, t·hop + FftSize)).
        private float[][] _input = [];
        private long _inputStart;
        private int _inputCount;
        private long _received;
        private bool _complete;

        // Output accumulators (Σ frame·w per stem and channel, Σ w²), in padded coordinates from _outputStart.
        private float[][][] _sum = [];
        private float[] _weight = [];
        private long _outputStart;
        private long _emitted; // padded index up to which output has been handed out
        private long _nextFrame;

        public void Append(AudioBuffer block, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(block);
            if (_rate < 0)
            {
                _rate = block.SampleRate;
                _channels = block.ChannelCount;
                owner.SampleRate = _rate;
                owner.CheckChannels(_channels);
                _input = new float[_channels][];
                for (var c = 0; c < _channels; c++)
                {
                    _input[c] = new float[Math.Max(4 * _n, block.Frames + _n)];
                }

                _sum = new float[owner.StemNames.Count][][];
                for (var s = 0; s < _sum.Length; s++)
                {
                    _sum[s] = new float[_channels][];
                    for (var c = 0; c < _channels; c++)
                    {
                        _sum[s][c] = new float[(owner.BlockFrames * _hop) + _n];
                    }
                }

                _weight = new float[(owner.BlockFrames * _hop) + _n];
                _emitted = _half;
            }
            else if (block.SampleRate != _rate || block.ChannelCount != _channels)
            {
                throw new ArgumentException(
                    $"{owner.Method}: every block must have {_rate} Hz and {_channels} channel(s); got {block.SampleRate} Hz, {block.ChannelCount}.", nameof(block));
            }

            if (block.Frames == 0)
            {
                return;
            }

            if (_received <= _half && _received + block.Frames > _half)
            {
                // The first x samples arrived: the leading reflection x[half..1] can be written in front of them.
                var head = new float[_channels][];
                for (var c = 0; c < _channels; c++)
                {
                    head[c] = new float[_inputCount + block.Frames];
                    Array.Copy(_input[c], head[c], _inputCount);
                    Array.Copy(block.Channels[c], 0, head[c], _inputCount, block.Frames);
                }

                _inputCount = 0;
                _inputStart = 0;
                var reflection = new float[_channels][];
                for (var c = 0; c < _channels; c++)
                {
                    reflection[c] = new float[_half];
                    for (var i = 0; i < _half; i++)
                    {
                        reflection[c][i] = head[c][_half - i];
                    }
                }

                Push(reflection, _half);
                Push(head, head[0].Length);
            }
            else
            {
                // Before the first half frame is complete x is kept unpadded; after, it follows the reflection.
                Push(block.Channels, block.Frames);
            }

            _received += block.Frames;
            Process(cancellationToken);
        }

        public void Complete(CancellationToken cancellationToken)
        {
            if (_rate < 0)
            {
                throw new InvalidOperationException($"{owner.Method}: the stream holds no audio.");
            }

            owner.CheckLength(_received, nameof(_received));

            // Trailing reflection x[N-2], x[N-3], … (torch.stft's reflect padding).
            var tail = new float[_channels][];
            var last = _inputCount - 1; // index of x[N-1] in the buffer
            for (var c = 0; c < _channels; c++)
            {
                tail[c] = new float[_half];
                for (var j = 0; j < _half; j++)
                {
                    tail[c][j] = _input[c][last - 1 - j];
                }
            }

            Push(tail, _half);
            _complete = true;
            Process(cancellationToken);
        }

        private long TotalFrames => 1 + (_received / _hop);

        private void Process(CancellationToken cancellationToken)
        {
            if (_received <= _half)
            {
                return;
            }

            var context = owner.ContextFrames;
            var known = _inputStart + _inputCount;
            var knownFrames = known >= _n ? ((known - _n) / _hop) + 1 : 0;
            var total = _complete ? TotalFrames : knownFrames;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var a = _nextFrame;
                var b = Math.Min(a + owner.BlockFrames, total);
                if (b <= a)
                {
                    break;
                }

                if (!_complete && b + context > knownFrames)
                {
                    break;
                }

                var extStart = Math.Max(0, a - context);
                var extEnd = Math.Min(total, b + context);
                EstimateBlock(a, b, extStart, extEnd);
                _nextFrame = b;
                Emit(_complete && b == total ? _half + _received : b * _hop);
                Trim(Math.Max(0, ((_nextFrame - context) * _hop) - _n));
            }
        }

        private void EstimateBlock(long a, long b, long extStart, long extEnd)
        {
            using var scope = torch.NewDisposeScope();
            var sampleCount = (int)(((extEnd - 1 - extStart) * _hop) + _n);
            var offset = (int)((extStart * _hop) - _inputStart);
            var segment = new float[_channels][];
            for (var c = 0; c < _channels; c++)
            {
                segment[c] = _input[c].AsSpan(offset, sampleCount).ToArray();
            }

            var spectrum = owner._uncentred.Forward(SeparationTensors.FromChannels(segment, owner.Device));
            var stems = owner.Estimate(spectrum, (int)(a - extStart), (int)(b - a));

            // Same synthesis as torch.istft: irfft per frame, times the window, overlap-added, ÷ Σ w².
            var frames = torch.fft.irfft(stems, _n, dim: 2).mul(owner._window.view(-1, 1));
            var ordered = frames.permute(0, 1, 3, 2).contiguous().cpu();
            var data = ordered.data<float>().ToArray();
            var window = owner._window.cpu().data<float>().ToArray();
            var count = (int)(b - a);
            EnsureOutputCapacity(((b - 1) * _hop) + _n);
            var stemCount = _sum.Length;
            for (var s = 0; s < stemCount; s++)
            {
                for (var c = 0; c < _channels; c++)
                {
                    var acc = _sum[s][c];
                    for (var f = 0; f < count; f++)
                    {
                        var at = (int)(((a + f) * _hop) - _outputStart);
                        var source = (((s * _channels) + c) * count + f) * _n;
                        for (var i = 0; i < _n; i++)
                        {
                            acc[at + i] += data[source + i];
                        }
                    }
                }
            }

            for (var f = 0; f < count; f++)
            {
                var at = (int)(((a + f) * _hop) - _outputStart);
                for (var i = 0; i < _n; i++)
                {
                    _weight[at + i] += window[i] * window[i];
                }
            }
        }

        private void EnsureOutputCapacity(long endPadded)
        {
            var needed = (int)(endPadded - _outputStart);
            if (needed <= _weight.Length)
            {
                return;
            }

            var size = Math.Max(needed, _weight.Length * 2);
            Array.Resize(ref _weight, size);
            foreach (var stem in _sum)
            {
                for (var c = 0; c < stem.Length; c++)
                {
                    Array.Resize(ref stem[c], size);
                }
            }
        }

        private void Emit(long upTo)
        {
            var end = Math.Min(upTo, _half + _received);
            if (end <= _emitted)
            {
                return;
            }

            var from = (int)(_emitted - _outputStart);
            var length = (int)(end - _emitted);
            for (var s = 0; s < _sum.Length; s++)
            {
                var channels = new float[_channels][];
                for (var c = 0; c < _channels; c++)
                {
                    var output = new float[length];
                    var acc = _sum[s][c];
                    for (var i = 0; i < length; i++)
                    {
                        var w = _weight[from + i];
                        output[i] = w > 1e-11f ? acc[from + i] / w : 0f;
                    }

                    channels[c] = output;
                }

                sink(owner.StemNames[s], new AudioBuffer(_rate, channels));
            }

            _emitted = end;

            // Drop what has been emitted; frames still to come start at ≥ _emitted.
            var drop = (int)(_emitted - _outputStart);
            var keep = _weight.Length - drop;
            Array.Copy(_weight, drop, _weight, 0, keep);
            Array.Clear(_weight, keep, drop);
            foreach (var stem in _sum)
            {
                foreach (var acc in stem)
                {
                    Array.Copy(acc, drop, acc, 0, keep);
                    Array.Clear(acc, keep, drop);
                }
            }

            _outputStart = _emitted;
        }

        private void Push(float[][] channels, int count)
        {
            if (_inputCount + count > _input[0].Length)
            {
                var size = Math.Max(_inputCount + count, _input[0].Length * 2);
                for (var c = 0; c < _channels; c++)
                {
                    Array.Resize(ref _input[c], size);
                }
            }

            for (var c = 0; c < _channels; c++)
            {
                Array.Copy(channels[c], 0, _input[c], _inputCount, count);
            }

            _inputCount += count;
        }

        private void Trim(long keepFrom)
        {
            var drop = (int)Math.Min(keepFrom - _inputStart, _inputCount);
            if (drop <= 0)
            {
                return;
            }

            for (var c = 0; c < _channels; c++)
            {
                Array.Copy(_input[c], drop, _input[c], 0, _inputCount - drop);
            }

            _inputCount -= drop;
            _inputStart += drop;
        }
    }
}
