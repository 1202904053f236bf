namespace AudioMix.Audio.Codecs;

/// <summary>
/// A pull-based reader of decoded audio as interleaved float32 frames. Readers hold a bounded buffer, so
/// arbitrarily long inputs can be processed block by block.
/// </summary>
public interface IAudioStreamReader : IDisposable
{
    /// <summary>The stream's format (rate, channels, frames as far as known).</summary>
    AudioStreamInfo Info { get; }

    /// <summary>
    /// Fills <paramref name="interleaved"/> (whose length must be a multiple of <see cref="AudioStreamInfo.Channels"/>)
    /// with the next frames and returns the number of FRAMES read: fewer than requested only at the end, 0 at the end.
    /// </summary>
    /// <exception cref="AudioFormatException">The input turns out to be corrupt or truncated.</exception>
    int Read(Span<float> interleaved);
}
