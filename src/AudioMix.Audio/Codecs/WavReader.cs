namespace AudioMix.Audio.Codecs;

/// <summary>
/// Streaming reader of RIFF/WAVE files: PCM 8 (unsigned), 16, 24 and 32 bit, IEEE float 32/64 bit,
/// WAVE_FORMAT_EXTENSIBLE with a PCM or float sub-format, and RF64/BW64. Unknown chunks are skipped.
/// The header is parsed eagerly by the constructor; samples are then decoded block by block through a
/// bounded internal buffer (64 KiB), so files of any length can be streamed.
/// </summary>
/// <remarks>
/// A data chunk whose size is 0xFFFFFFFF (or 0 with no room for it in the RIFF size), as streaming writers
/// such as FFmpeg to a pipe leave it, is read to the end of the stream. A stream that ends before the data
/// chunk's declared size, or inside a frame, raises <see cref="AudioFormatException"/>: partial data is
/// never returned silently.
/// </remarks>
public sealed class WavReader : IAudioStreamReader
{
    private const int BufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly string? _sourceName;
    private readonly bool _leaveOpen;
    private readonly int _blockAlign;
    private readonly int _channels;
    private readonly long _dataBytes; // -1: to the end of the stream
    private readonly byte[] _buffer;
    private long _bytesRead;
    private bool _ended;
    private bool _disposed;

    /// <summary>Parses the WAV header from the stream's current position.</summary>
    /// <param name="stream">A readable stream positioned at the "RIFF" tag; seekable streams allow up-front truncation checks and fmt-after-data layouts.</param>
    /// <param name="sourceName">A name (file path, blob key) used in error messages.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open on dispose (or on a header error).</param>
    /// <exception cref="AudioFormatException">The stream is not a readable WAV file; the message names the problem.</exception>
    public WavReader(Stream stream, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        _stream = stream;
        _sourceName = sourceName;
        _leaveOpen = leaveOpen;
        WavHeader header;
        try
        {
            header = WavHeaderParser.Parse(stream, sourceName);
        }
        catch
        {
            if (!leaveOpen)
            {
                stream.Dispose();
            }

            throw;
        }

        SampleFormat = header.Format;
        _channels = header.Channels;
        _blockAlign = header.BlockAlign;
        _dataBytes = header.DataBytes;
        var frames = header.DataBytes >= 0 ? header.DataBytes / header.BlockAlign
            : header.AvailableBytes >= 0 ? header.AvailableBytes / header.BlockAlign
            : -1;
        Info = new AudioStreamInfo("wav", WavSampleCodec.CodecName(header.Format), header.SampleRate, header.Channels, frames, header.ValidBits);
        _buffer = new byte[Math.Max(1, BufferBytes / _blockAlign) * _blockAlign];
    }

    /// <summary>Opens a WAV file for streaming.</summary>
    /// <exception cref="AudioFormatException">The file is not a readable WAV file.</exception>
    public static WavReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        return new WavReader(stream, path);
    }

    /// <inheritdoc/>
    public AudioStreamInfo Info { get; }

    /// <summary>The stored sample encoding (the container size for WAVE_FORMAT_EXTENSIBLE).</summary>
    public WavSampleFormat SampleFormat { get; }

    /// <summary>Frames left to read, or -1 when the data runs to the end of a non-seekable stream.</summary>
    internal long RemainingFrames => Info.Frames < 0 ? -1 : Info.Frames - (_bytesRead / _blockAlign);

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (interleaved.Length % _channels != 0)
        {
            throw new ArgumentException($"Buffer length {interleaved.Length} is not a multiple of the channel count {_channels}.", nameof(interleaved));
        }

        var wanted = interleaved.Length / _channels;
        var total = 0;
        var bufferFrames = _buffer.Length / _blockAlign;
        while (total < wanted && !_ended)
        {
            long framesLeft = _dataBytes >= 0 ? (_dataBytes - _bytesRead) / _blockAlign : int.MaxValue;
            if (framesLeft == 0)
            {
                _ended = true;
                break;
            }

            var frames = (int)Math.Min(Math.Min(wanted - total, bufferFrames), framesLeft);
            var bytesWanted = frames * _blockAlign;
            var got = _stream.ReadAtLeast(_buffer.AsSpan(0, bytesWanted), bytesWanted, throwOnEndOfStream: false);
            if (got < bytesWanted)
            {
                _ended = true;
                if (_dataBytes >= 0)
                {
                    throw new AudioFormatException(_sourceName, $"data chunk truncated: header says {_dataBytes} bytes, stream ended after {_bytesRead + got}");
                }

                if (got % _blockAlign != 0)
                {
                    throw new AudioFormatException(_sourceName, $"streamed data ends inside a frame ({got % _blockAlign} of {_blockAlign} bytes): the file is truncated");
                }
            }

            var gotFrames = got / _blockAlign;
            WavSampleCodec.Decode(SampleFormat, _buffer.AsSpan(0, got), interleaved.Slice(total * _channels, gotFrames * _channels));
            _bytesRead += got;
            total += gotFrames;
        }

        return total;
    }

    /// <summary>Reads all remaining frames into a planar buffer.</summary>
    /// <exception cref="AudioFormatException">The data is truncated, or too long for one in-memory buffer.</exception>
    public AudioBuffer ReadToEnd()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Pre-size only when the length was verified against a seekable stream; a header's claim alone
        // could make a corrupt file allocate gigabytes.
        var known = _stream.CanSeek ? RemainingFrames : -1;
        return AudioReading.ReadAll(this, known, _sourceName);
    }

    /// <summary>Releases the stream (unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
