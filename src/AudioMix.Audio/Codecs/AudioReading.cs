namespace AudioMix.Audio.Codecs;

/// <summary>Collects a whole stream from an <see cref="IAudioStreamReader"/> into a planar <see cref="AudioBuffer"/>.</summary>
internal static class AudioReading
{
    private const int BlockFrames = 16 * 1024;

    /// <param name="reader">The source.</param>
    /// <param name="knownFrames">The exact number of frames left when known (pre-sizes the result), else -1.</param>
    /// <param name="sourceName">For error messages.</param>
    public static AudioBuffer ReadAll(IAudioStreamReader reader, long knownFrames, string? sourceName)
    {
        var channels = reader.Info.Channels;
        var rate = reader.Info.SampleRate;
        if (knownFrames > Array.MaxLength)
        {
            throw new AudioFormatException(sourceName, $"{knownFrames} frames are too many for one in-memory buffer; stream the file block by block with Read instead");
        }

        var capacity = knownFrames >= 0 ? (int)knownFrames : BlockFrames;
        var planar = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            planar[c] = new float[capacity];
        }

        var block = new float[BlockFrames * channels];
        var frames = 0;
        while (true)
        {
            var n = reader.Read(block);
            if (n == 0)
            {
                break;
            }

            if ((long)frames + n > Array.MaxLength)
            {
                throw new AudioFormatException(sourceName, "the audio is too long for one in-memory buffer; stream it block by block with Read instead");
            }

            if (frames + n > capacity)
            {
                capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)capacity * 2, (long)frames + n));
                for (var c = 0; c < channels; c++)
                {
                    Array.Resize(ref planar[c], capacity);
                }
            }

            for (var c = 0; c < channels; c++)
            {
                var dst = planar[c];
                for (int i = 0, j = c; i < n; i++, j += channels)
                {
                    dst[frames + i] = block[j];
                }
            }

            frames += n;
        }

        if (frames != capacity)
        {
            for (var c = 0; c < channels; c++)
            {
                Array.Resize(ref planar[c], frames);
            }
        }

        return new AudioBuffer(rate, planar);
    }
}
