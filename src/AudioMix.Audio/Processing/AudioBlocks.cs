using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Processing;

/// <summary>
/// Reads any supported audio file as a sequence of bounded blocks, so that long files are
/// processed without ever being held whole in memory.
/// </summary>
public static class AudioBlocks
{
    /// <summary>Frames per block: about 1.5 s at 44.1 kHz, a few hundred KB per channel.</summary>
    public const int DefaultBlockFrames = 65536;

    /// <summary>Yields the file's audio as consecutive planar blocks of at most <paramref name="blockFrames"/> frames.</summary>
    /// <exception cref="AudioFormatException">The file is not readable audio.</exception>
    public static IEnumerable<AudioBuffer> Read(string path, int blockFrames = DefaultBlockFrames, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockFrames, 1);
        using var reader = AudioFile.OpenRead(path);
        foreach (var block in Read(reader, blockFrames, cancellationToken))
        {
            yield return block;
        }
    }

    /// <summary>Yields an open reader's remaining audio as consecutive planar blocks.</summary>
    public static IEnumerable<AudioBuffer> Read(IAudioStreamReader reader, int blockFrames = DefaultBlockFrames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var channels = reader.Info.Channels;
        var interleaved = new float[blockFrames * channels];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frames = reader.Read(interleaved);
            if (frames == 0)
            {
                yield break;
            }

            yield return AudioBuffer.FromInterleaved(interleaved.AsSpan(0, frames * channels), channels, reader.Info.SampleRate);
        }
    }
}
