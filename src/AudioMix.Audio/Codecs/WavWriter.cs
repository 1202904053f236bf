using System.Buffers.Binary;

namespace AudioMix.Audio.Codecs;

/// <summary>
/// Streaming writer of RIFF/WAVE files. Float input is clipped to [-1, 1] and rounded to nearest (ties to
/// even, no dither) for integer formats, so output is deterministic; float formats store samples unchanged.
/// </summary>
/// <remarks>
/// <para>Header layout follows Microsoft's guidance ("Multiple Channel Audio Data and WAVE Files", 2001):
/// plain WAVE_FORMAT_PCM (8/16-bit) or WAVE_FORMAT_IEEE_FLOAT for up to 2 channels, and
/// WAVE_FORMAT_EXTENSIBLE (with a standard speaker mask for 1–8 channels) for more channels or for 24/32-bit
/// PCM. Float files carry the fact chunk the RIFF spec requires for non-PCM data.</para>
/// <para>Sizes are finalised by <see cref="Dispose"/>: on a seekable stream it seeks back and fills in the
/// RIFF, fact and data sizes. A non-seekable stream (a pipe, a network stream) cannot be patched, so its
/// header keeps 0xFFFFFFFF as RIFF and data size, the convention FFmpeg uses for piped WAV, which
/// <see cref="WavReader"/> (and FFmpeg, sox) read as "data runs to the end of the stream".</para>
/// <para>Classic RIFF sizes are 32-bit: writing more than 4 GiB of sample data throws <see cref="InvalidOperationException"/>.</para>
/// </remarks>
public sealed class WavWriter : IDisposable
{
    private const uint Unknown = 0xFFFFFFFF;
    private const int BufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _channels;
    private readonly int _sampleRate;
    private readonly WavSampleFormat _format;
    private readonly int _blockAlign;
    private readonly long _start;
    private readonly long _factSizeOffset = -1; // relative to _start; -1 when no fact chunk
    private readonly long _dataSizeOffset;
    private readonly long _headerBytes;
    private readonly byte[] _buffer;
    private float[]? _interleaveBlock;
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Writes a WAV header to <paramref name="stream"/> at its current position and prepares for samples.</summary>
    /// <param name="stream">A writable stream; seekable streams get exact sizes on dispose.</param>
    /// <param name="sampleRate">Samples per second (1 .. 10 MHz).</param>
    /// <param name="channels">Channel count (1 .. 64).</param>
    /// <param name="format">Sample encoding to store.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open on dispose.</param>
    public WavWriter(Stream stream, int sampleRate, int channels, WavSampleFormat format, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, WavHeaderParser.MaxSampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, WavHeaderParser.MaxChannels);
        var bytesPerSample = WavSampleCodec.BytesPerSample(format); // validates the enum

        _stream = stream;
        _leaveOpen = leaveOpen;
        _channels = channels;
        _sampleRate = sampleRate;
        _format = format;
        _blockAlign = bytesPerSample * channels;
        _start = stream.CanSeek ? stream.Position : 0;
        _buffer = new byte[Math.Max(1, BufferBytes / _blockAlign) * _blockAlign];

        var isFloat = WavSampleCodec.IsFloat(format);
        var extensible = channels > 2 || format is WavSampleFormat.Pcm24 or WavSampleFormat.Pcm32;
        var fmtSize = extensible ? 40 : isFloat ? 18 : 16;
        var header = new byte[12 + 8 + fmtSize + (isFloat ? 12 : 0) + 8];
        var h = header.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], Unknown);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)fmtSize);
        var fmt = h.Slice(20, fmtSize);
        var tag = extensible ? (ushort)0xFFFE : isFloat ? (ushort)3 : (ushort)1;
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[2..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[4..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[8..], (uint)((long)sampleRate * _blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[12..], (ushort)_blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[14..], (ushort)(bytesPerSample * 8));
        if (extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt[16..], 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt[18..], (ushort)(bytesPerSample * 8));
            BinaryPrimitives.WriteUInt32LittleEndian(fmt[20..], SpeakerMask(channels));
            var guid = fmt[24..40];
            BinaryPrimitives.WriteUInt16LittleEndian(guid, isFloat ? (ushort)3 : (ushort)1);
            ReadOnlySpan<byte> tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            tail.CopyTo(guid[2..]);
        }

        var pos = 20 + fmtSize; // (cbSize of an 18-byte float fmt stays 0)
        if (isFloat)
        {
            "fact"u8.CopyTo(h[pos..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[(pos + 4)..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[(pos + 8)..], Unknown);
            _factSizeOffset = pos + 8;
            pos += 12;
        }

        "data"u8.CopyTo(h[pos..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(pos + 4)..], Unknown);
        _dataSizeOffset = pos + 4;
        _headerBytes = header.Length;
        stream.Write(header);
    }

    /// <summary>Creates (or overwrites) a WAV file.</summary>
    public static WavWriter Create(string path, int sampleRate, int channels, WavSampleFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 4096);
        try
        {
            return new WavWriter(stream, sampleRate, channels, format);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends interleaved frames (length a multiple of the channel count).</summary>
    /// <exception cref="InvalidOperationException">The data would exceed the 4 GiB a RIFF size can describe.</exception>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (interleaved.Length % _channels != 0)
        {
            throw new ArgumentException($"Buffer length {interleaved.Length} is not a multiple of the channel count {_channels}.", nameof(interleaved));
        }

        var bytes = (long)interleaved.Length / _channels * _blockAlign;
        if (_headerBytes + _dataBytes + bytes + 1 - 8 >= Unknown)
        {
            throw new InvalidOperationException($"WAV data would exceed the 4 GiB limit of RIFF sizes ({_dataBytes + bytes} bytes).");
        }

        var bytesPerSample = _blockAlign / _channels;
        var samplesPerBlock = _buffer.Length / bytesPerSample;
        while (!interleaved.IsEmpty)
        {
            var n = Math.Min(samplesPerBlock, interleaved.Length);
            WavSampleCodec.Encode(_format, interleaved[..n], _buffer);
            _stream.Write(_buffer, 0, n * bytesPerSample);
            interleaved = interleaved[n..];
        }

        _dataBytes += bytes;
    }

    /// <summary>Appends a planar buffer, which must match the writer's channel count and sample rate.</summary>
    public void Write(AudioBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.ChannelCount != _channels)
        {
            throw new ArgumentException($"Buffer has {buffer.ChannelCount} channels but the writer was created for {_channels}.", nameof(buffer));
        }

        if (buffer.SampleRate != _sampleRate)
        {
            throw new ArgumentException($"Buffer sample rate {buffer.SampleRate} Hz differs from the writer's {_sampleRate} Hz.", nameof(buffer));
        }

        const int blockFrames = 8192;
        _interleaveBlock ??= new float[blockFrames * _channels];
        for (var start = 0; start < buffer.Frames; start += blockFrames)
        {
            var n = Math.Min(blockFrames, buffer.Frames - start);
            var block = _interleaveBlock.AsSpan(0, n * _channels);
            buffer.CopyInterleaved(start, block);
            Write(block);
        }
    }

    /// <summary>Writes the RIFF pad byte if needed, fills in the sizes (seekable streams) and releases the stream unless leaveOpen.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if ((_dataBytes & 1) == 1)
            {
                _stream.WriteByte(0); // RIFF chunks are word-aligned; the pad is not counted in the data size.
            }

            if (_stream.CanSeek)
            {
                var end = _stream.Position;
                Span<byte> word = stackalloc byte[4];
                Patch(4, (uint)(end - _start - 8), word);
                if (_factSizeOffset >= 0)
                {
                    Patch(_factSizeOffset, (uint)(_dataBytes / _blockAlign), word);
                }

                Patch(_dataSizeOffset, (uint)_dataBytes, word);
                _stream.Seek(end, SeekOrigin.Begin);
            }

            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void Patch(long offset, uint value, Span<byte> word)
    {
        _stream.Seek(_start + offset, SeekOrigin.Begin);
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        _stream.Write(word);
    }

    /// <summary>dwChannelMask for the usual layouts (KSAUDIO_SPEAKER_* in Microsoft's ksmedia.h); 0 = no assignment.</summary>
    private static uint SpeakerMask(int channels) => channels switch
    {
        1 => 0x4,    // FC
        2 => 0x3,    // FL FR
        3 => 0x7,    // FL FR FC
        4 => 0x33,   // FL FR BL BR (quad)
        5 => 0x37,   // FL FR FC BL BR
        6 => 0x3F,   // 5.1
        7 => 0x70F,  // 6.1: FL FR FC LFE BC SL SR
        8 => 0x63F,  // 7.1: FL FR FC LFE BL BR SL SR
        _ => 0,
    };
}
