namespace AudioMix.Audio;

/// <summary>
/// Uncompressed audio held in memory as planar 32-bit float samples (one array per channel),
/// nominally in [-1, 1]. Planar because nearly every DSP step (filtering, resampling, loudness,
/// STFT) works one channel at a time; codecs interleave at the edges.
/// </summary>
public sealed class AudioBuffer
{
    /// <summary>Creates a buffer over the given channel arrays (not copied).</summary>
    /// <exception cref="ArgumentException">No channels, channels of unequal length, or a non-positive rate.</exception>
    public AudioBuffer(int sampleRate, float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (sampleRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be positive.");
        }

        if (channels.Length == 0)
        {
            throw new ArgumentException("An audio buffer needs at least one channel.", nameof(channels));
        }

        var frames = channels[0].Length;
        for (var c = 1; c < channels.Length; c++)
        {
            if (channels[c].Length != frames)
            {
                throw new ArgumentException(
                    $"Channel {c} has {channels[c].Length} samples but channel 0 has {frames}.", nameof(channels));
            }
        }

        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>The planar sample data, one array per channel, all of length <see cref="Frames"/>.</summary>
    public float[][] Channels { get; }

    /// <summary>Number of channels.</summary>
    public int ChannelCount => Channels.Length;

    /// <summary>Number of sample frames (samples per channel).</summary>
    public int Frames => Channels[0].Length;

    /// <summary>Duration in seconds.</summary>
    public double Duration => (double)Frames / SampleRate;

    /// <summary>A silent buffer.</summary>
    public static AudioBuffer Silence(int sampleRate, int channels, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
        }

        return new AudioBuffer(sampleRate, data);
    }

    /// <summary>Joins consecutive blocks (streamed pieces of one signal) into one buffer.</summary>
    /// <param name="parts">Blocks in order; at least one; all with one sample rate and channel count.</param>
    /// <exception cref="ArgumentException">No parts, or parts that disagree on rate or channels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More frames than one array can hold.</exception>
    public static AudioBuffer Concat(IReadOnlyList<AudioBuffer> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one block is needed.", nameof(parts));
        }

        var (rate, channels) = (parts[0].SampleRate, parts[0].ChannelCount);
        long frames = 0;
        foreach (var part in parts)
        {
            if (part.SampleRate != rate || part.ChannelCount != channels)
            {
                throw new ArgumentException($"Blocks differ: {part.SampleRate} Hz × {part.ChannelCount} ch after {rate} Hz × {channels} ch.", nameof(parts));
            }

            frames += part.Frames;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(frames, Array.MaxLength, nameof(parts));
        var result = Silence(rate, channels, (int)frames);
        var offset = 0;
        foreach (var part in parts)
        {
            for (var c = 0; c < channels; c++)
            {
                part.Channels[c].CopyTo(result.Channels[c], offset);
            }

            offset += part.Frames;
        }

        return result;
    }

    /// <summary>Builds a buffer from interleaved samples (frame-major: L R L R ...).</summary>
    public static AudioBuffer FromInterleaved(ReadOnlySpan<float> interleaved, int channels, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (interleaved.Length % channels != 0)
        {
            throw new ArgumentException(
                $"{interleaved.Length} interleaved samples do not divide into {channels} channels.", nameof(interleaved));
        }

        var frames = interleaved.Length / channels;
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            var ch = new float[frames];
            for (int i = 0, j = c; i < frames; i++, j += channels)
            {
                ch[i] = interleaved[j];
            }

            data[c] = ch;
        }

        return new AudioBuffer(sampleRate, data);
    }

    /// <summary>Copies frames [<paramref name="startFrame"/>, +<paramref name="destination"/>.Length / channels) into an interleaved span.</summary>
    public void CopyInterleaved(int startFrame, Span<float> destination)
    {
        var channels = ChannelCount;
        if (destination.Length % channels != 0)
        {
            throw new ArgumentException("Destination length must be a multiple of the channel count.", nameof(destination));
        }

        var frames = destination.Length / channels;
        ArgumentOutOfRangeException.ThrowIfNegative(startFrame);
        if (startFrame + frames > Frames)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), "Requested frames run past the end of the buffer.");
        }

        for (var c = 0; c < channels; c++)
        {
            var ch = Channels[c];
            for (int i = 0, j = c; i < frames; i++, j += channels)
            {
                destination[j] = ch[startFrame + i];
            }
        }
    }

    /// <summary>All samples interleaved (frame-major).</summary>
    public float[] ToInterleaved()
    {
        var result = new float[Frames * ChannelCount];
        CopyInterleaved(0, result);
        return result;
    }

    /// <summary>The average of all channels (a copy when there are several; this buffer's own array when mono).</summary>
    public AudioBuffer ToMono()
    {
        if (ChannelCount == 1)
        {
            return this;
        }

        var mono = new float[Frames];
        var scale = 1f / ChannelCount;
        foreach (var ch in Channels)
        {
            for (var i = 0; i < mono.Length; i++)
            {
                mono[i] += ch[i] * scale;
            }
        }

        return new AudioBuffer(SampleRate, [mono]);
    }

    /// <summary>A copy of frames [<paramref name="startFrame"/>, <paramref name="startFrame"/> + <paramref name="frameCount"/>).</summary>
    public AudioBuffer Slice(int startFrame, int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startFrame);
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        if (startFrame + frameCount > Frames)
        {
            throw new ArgumentOutOfRangeException(nameof(frameCount), "Slice runs past the end of the buffer.");
        }

        var data = new float[ChannelCount][];
        for (var c = 0; c < ChannelCount; c++)
        {
            data[c] = Channels[c].AsSpan(startFrame, frameCount).ToArray();
        }

        return new AudioBuffer(SampleRate, data);
    }

    /// <summary>A deep copy.</summary>
    public AudioBuffer Clone() => Slice(0, Frames);

    /// <summary>Multiplies every sample by <paramref name="gain"/> in place.</summary>
    public void ApplyGain(float gain)
    {
        foreach (var ch in Channels)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(ch, gain, ch);
        }
    }

    /// <summary>The largest absolute sample value over all channels (sample peak, linear).</summary>
    public float Peak()
    {
        var peak = 0f;
        foreach (var ch in Channels)
        {
            if (ch.Length > 0)
            {
                peak = MathF.Max(peak, MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(ch)));
            }
        }

        return peak;
    }
}
