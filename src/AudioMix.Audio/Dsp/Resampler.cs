using System.Diagnostics;

namespace AudioMix.Audio.Dsp;

/// <summary>
/// Band-limited sample-rate conversion by a rational factor L/M (L = out/gcd, M = in/gcd) with a
/// polyphase Kaiser-windowed-sinc filter bank (Crochiere &amp; Rabiner 1983; J. O. Smith,
/// "Digital Audio Resampling"). The low-pass cuts at the Nyquist frequency of the lower rate, with
/// its transition band below it (see <see cref="ResamplerQuality"/> for the measured figures).
/// </summary>
/// <remarks>
/// <para>The filter is applied zero-phase: output frame n is the band-limited input evaluated at
/// time n / outputRate, so an event at input time t appears at output time t (no group delay) and
/// the output of an N-frame input has exactly ⌈N·out/in⌉ frames. The signal is taken as zero before
/// its first and after its last sample.</para>
/// <para>Streaming: <see cref="Process"/> accepts blocks of any size and returns whatever output is
/// already determined (it lags the input by half the filter length); <see cref="Flush"/> returns the
/// rest. The concatenation equals <see cref="Resample(AudioBuffer, int, ResamplerQuality)"/> of the
/// whole signal bit for bit. After <see cref="Flush"/> the instance is ready for a new stream.</para>
/// <para>Equal rates are the identity (the samples are copied). Instances are not thread-safe;
/// filter banks are shared between instances with the same rates and quality.</para>
/// </remarks>
public sealed class Resampler
{
    // Chunk size for one-shot resampling (bounds the history copy).
    private const int ChunkFrames = 1 << 16;

    private readonly int _inputRate;
    private readonly int _outputRate;
    private readonly int _channels;
    private readonly PolyphaseFilterBank? _bank;

    // Input history per channel: _history[c][0] is absolute input index _historyStart.
    private float[][] _history;
    private int _historyLength;
    private long _historyStart;
    private long _inputFrames;

    // Next output frame n, and its input position x = n·M/L as integer part _posInt + _posPhase/L.
    private long _outputFrames;
    private long _posInt;
    private int _posPhase;

    // Per-call scratch: where each pending output reads (offset into history) and which phase it uses.
    private int[] _starts = [];
    private int[] _phases = [];
    private float[] _fractions = [];

    /// <summary>Creates a streaming resampler.</summary>
    /// <param name="inputRate">Input sample rate, Hz (positive).</param>
    /// <param name="outputRate">Output sample rate, Hz (positive).</param>
    /// <param name="channels">Channel count of every block (at least 1).</param>
    /// <param name="quality">Filter design; see <see cref="ResamplerQuality"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate or the channel count is not positive, or the quality is unknown.</exception>
    public Resampler(int inputRate, int outputRate, int channels, ResamplerQuality quality = ResamplerQuality.High)
    {
        if (inputRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate, $"Input sample rate must be positive (got {inputRate} Hz).");
        }

        if (outputRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputRate), outputRate, $"Output sample rate must be positive (got {outputRate} Hz).");
        }

        if (channels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"Channel count must be at least 1 (got {channels}).");
        }

        if (!Enum.IsDefined(quality))
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "Unknown resampler quality.");
        }

        _inputRate = inputRate;
        _outputRate = outputRate;
        _channels = channels;
        _bank = inputRate == outputRate ? null : PolyphaseFilterBank.Get(inputRate, outputRate, quality);
        _history = new float[channels][];
        Reset();
    }

    /// <summary>Input sample rate, Hz.</summary>
    public int InputRate => _inputRate;

    /// <summary>Output sample rate, Hz.</summary>
    public int OutputRate => _outputRate;

    /// <summary>Channel count.</summary>
    public int Channels => _channels;

    /// <summary>Resamples a whole buffer (all channels independently) to <paramref name="outputRate"/>.</summary>
    /// <returns>A new buffer of ⌈frames·out/in⌉ frames at <paramref name="outputRate"/>, time-aligned with the input.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outputRate"/> is not positive.</exception>
    public static AudioBuffer Resample(AudioBuffer input, int outputRate, ResamplerQuality quality = ResamplerQuality.High)
    {
        ArgumentNullException.ThrowIfNull(input);
        var resampler = new Resampler(input.SampleRate, outputRate, input.ChannelCount, quality);
        if (resampler._bank is null)
        {
            return input.Clone();
        }

        // Feed the input in chunks so the history never holds more than one chunk plus the filter
        // span (a long file is not copied whole), writing straight into the final output arrays.
        var total = CeilDiv((long)input.Frames * resampler._bank.L, resampler._bank.M);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Resampling {input.Frames} frames from {input.SampleRate} Hz to {outputRate} Hz would give {total} frames, more than one buffer can hold.",
                nameof(input));
        }

        var output = new float[input.ChannelCount][];
        for (var c = 0; c < output.Length; c++)
        {
            output[c] = new float[total];
        }

        var written = 0;
        for (var start = 0; start < input.Frames; start += ChunkFrames)
        {
            var n = Math.Min(ChunkFrames, input.Frames - start);
            resampler.Append(input.Channels, start, n);
            resampler._inputFrames += n;
            written += CopyOut(resampler.Emit(long.MaxValue, resampler._inputFrames - 1 - resampler._bank.Half), output, written);
        }

        written += CopyOut(resampler.Flush(), output, written);
        Debug.Assert(written == total, "the stream and the length formula must agree");
        return new AudioBuffer(outputRate, output);
    }

    /// <summary>
    /// Resamples a stream of blocks to <paramref name="outputRate"/> as they arrive: one resampler made at the first block
    /// (every later block must share its rate and channel count), its tail flushed after the last block; empty blocks are
    /// dropped and a stream already at <paramref name="outputRate"/> passes through uncopied.
    /// </summary>
    /// <exception cref="ArgumentException">A block's rate or channel count differs from the first block's.</exception>
    public static IEnumerable<AudioBuffer> Stream(IEnumerable<AudioBuffer> blocks, int outputRate, ResamplerQuality quality = ResamplerQuality.High)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        Resampler? resampler = null;
        foreach (var block in blocks)
        {
            resampler ??= new Resampler(block.SampleRate, outputRate, block.ChannelCount, quality);
            var output = resampler._bank is null ? resampler.Check(block) : resampler.Process(block);
            if (output.Frames > 0)
            {
                yield return output;
            }
        }

        if (resampler is not null)
        {
            var tail = resampler.Flush();
            if (tail.Frames > 0)
            {
                yield return tail;
            }
        }
    }

    /// <summary>Feeds a block (any number of frames, the constructor's rate and channel count) and returns the output it completes.</summary>
    /// <exception cref="ArgumentException">The block's sample rate or channel count differs from the resampler's.</exception>
    public AudioBuffer Process(AudioBuffer block)
    {
        Check(block);
        if (_bank is null)
        {
            return block.Clone();
        }

        Append(block.Channels, block.Frames);
        _inputFrames += block.Frames;

        // Output n can be computed once input up to ⌊x⌋ + Half has arrived.
        return Emit(long.MaxValue, _inputFrames - 1 - _bank.Half);
    }

    private AudioBuffer Check(AudioBuffer block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.SampleRate != _inputRate)
        {
            throw new ArgumentException(
                $"Block sample rate {block.SampleRate} Hz does not match the resampler's input rate {_inputRate} Hz.", nameof(block));
        }

        if (block.ChannelCount != _channels)
        {
            throw new ArgumentException(
                $"Block has {block.ChannelCount} channels but the resampler was created for {_channels}.", nameof(block));
        }

        return block;
    }

    /// <summary>Ends the stream: returns the remaining output (the signal continues as zeros) and resets for a new stream.</summary>
    public AudioBuffer Flush()
    {
        if (_bank is null)
        {
            return AudioBuffer.Silence(_outputRate, _channels, 0);
        }

        var total = CeilDiv(_inputFrames * _bank.L, _bank.M);

        // Pad with the zeros beyond the end that the remaining outputs read.
        var pad = new float[_bank.Taps + 1];
        var padChannels = new float[_channels][];
        Array.Fill(padChannels, pad);
        var lastPos = total <= 0 ? 0 : ((total - 1) * _bank.M) / _bank.L;
        var needed = lastPos + _bank.Half + 1 - (_historyStart + _historyLength);
        while (needed > 0)
        {
            var n = (int)Math.Min(needed, pad.Length);
            Append(padChannels, n);
            needed -= n;
        }

        var result = Emit(total, long.MaxValue);
        Reset();
        return result;
    }

    private void Reset()
    {
        _historyStart = _bank is null ? 0 : -(_bank.Half - 1);
        _historyLength = (int)-_historyStart;
        for (var c = 0; c < _channels; c++)
        {
            _history[c] = new float[Math.Max(_historyLength, 16)];
        }

        _inputFrames = 0;
        _outputFrames = 0;
        _posInt = 0;
        _posPhase = 0;
    }

    private void Append(float[][] source, int frames) => Append(source, 0, frames);

    private void Append(float[][] source, int offset, int frames)
    {
        if (_historyLength + frames > _history[0].Length)
        {
            var capacity = Math.Max(_historyLength + frames, _history[0].Length * 2);
            for (var c = 0; c < _channels; c++)
            {
                Array.Resize(ref _history[c], capacity);
            }
        }

        for (var c = 0; c < _channels; c++)
        {
            source[c].AsSpan(offset, frames).CopyTo(_history[c].AsSpan(_historyLength));
        }

        _historyLength += frames;
    }

    /// <summary>Computes outputs while the output count is below <paramref name="outputLimit"/> and ⌊x⌋ ≤ <paramref name="maxPosInt"/>.</summary>
    private AudioBuffer Emit(long outputLimit, long maxPosInt)
    {
        var bank = _bank!;
        var half = bank.Half;
        var taps = bank.Taps;

        // First pass: the read offsets and phases of every output this call can produce.
        var count = 0;
        var posInt = _posInt;
        var posPhase = _posPhase;
        var outputs = _outputFrames;
        while (outputs < outputLimit && posInt <= maxPosInt)
        {
            EnsureScratch(count + 1);
            _starts[count] = (int)(posInt - (half - 1) - _historyStart);
            if (bank.Interpolated)
            {
                // Table position of the fraction posPhase/L, split into a phase and a blend weight.
                var scaled = (long)posPhase * PolyphaseFilterBank.InterpolatedPhases;
                _phases[count] = (int)(scaled / bank.L);
                _fractions[count] = (float)((double)(scaled % bank.L) / bank.L);
            }
            else
            {
                _phases[count] = posPhase;
            }

            count++;
            outputs++;
            posPhase += bank.M;
            if (posPhase >= bank.L)
            {
                posInt += posPhase / bank.L;
                posPhase %= bank.L;
            }
        }

        var result = new float[_channels][];
        for (var c = 0; c < _channels; c++)
        {
            var dest = new float[count];
            var history = _history[c];
            for (var k = 0; k < count; k++)
            {
                var x = new ReadOnlySpan<float>(history, _starts[k], taps);
                if (bank.Interpolated)
                {
                    var p = _phases[k];
                    var a = _fractions[k];
                    var d0 = FloatDot.Dot(bank.Phase(p), x);
                    var d1 = FloatDot.Dot(bank.Phase(p + 1), x);
                    dest[k] = d0 + (a * (d1 - d0));
                }
                else
                {
                    dest[k] = FloatDot.Dot(bank.Phase(_phases[k]), x);
                }
            }

            result[c] = dest;
        }

        _outputFrames = outputs;
        _posInt = posInt;
        _posPhase = posPhase;

        // Drop history the next output no longer reads.
        var keepFrom = (int)Math.Max(0, posInt - (half - 1) - _historyStart);
        keepFrom = Math.Min(keepFrom, _historyLength);
        if (keepFrom > 0)
        {
            for (var c = 0; c < _channels; c++)
            {
                Array.Copy(_history[c], keepFrom, _history[c], 0, _historyLength - keepFrom);
            }

            _historyLength -= keepFrom;
            _historyStart += keepFrom;
        }

        return new AudioBuffer(_outputRate, result);
    }

    private void EnsureScratch(int size)
    {
        if (_starts.Length >= size)
        {
            return;
        }

        var capacity = Math.Max(size, Math.Max(64, _starts.Length * 2));
        Array.Resize(ref _starts, capacity);
        Array.Resize(ref _phases, capacity);
        Array.Resize(ref _fractions, capacity);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static int CopyOut(AudioBuffer block, float[][] output, int at)
    {
        for (var c = 0; c < output.Length; c++)
        {
            block.Channels[c].CopyTo(output[c], at);
        }

        return block.Frames;
    }
}
