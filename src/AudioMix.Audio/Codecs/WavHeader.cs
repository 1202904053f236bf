using System.Buffers.Binary;
using System.Globalization;

namespace AudioMix.Audio.Codecs;

/// <summary>The parsed format and data location of a RIFF/WAVE (or RF64/BW64) stream.</summary>
/// <param name="Format">The container sample encoding the data is decoded with.</param>
/// <param name="Channels">Channel count.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="ValidBits">Bits of real resolution (wValidBitsPerSample for WAVE_FORMAT_EXTENSIBLE).</param>
/// <param name="BlockAlign">Bytes per frame.</param>
/// <param name="DataBytes">Bytes of sample data, or -1 when the data runs to the end of the stream.</param>
/// <param name="AvailableBytes">For streaming data in a seekable stream, the bytes up to its end; else -1.</param>
internal sealed record WavHeader(WavSampleFormat Format, int Channels, int SampleRate, int ValidBits, int BlockAlign, long DataBytes, long AvailableBytes);

/// <summary>
/// Walks the RIFF chunk list up to the start of the sample data. Follows the Microsoft/IBM "Multimedia
/// Programming Interface and Data Specifications 1.0" (1991) for RIFF/WAVE, the WAVE_FORMAT_EXTENSIBLE
/// layout of Microsoft's "Multiple Channel Audio Data and WAVE Files" (2001), and EBU Tech 3306 for RF64
/// (the ds64 chunk carrying 64-bit sizes); ITU-R BS.2088 BW64 shares RF64's layout.
/// Every inconsistency becomes an <see cref="AudioFormatException"/> naming it.
/// </summary>
internal sealed class WavHeaderParser
{
    /// <summary>More channels than any WAV layout defines (18 speaker positions) with headroom for ambisonics.</summary>
    internal const int MaxChannels = 64;

    /// <summary>Far above any real rate (DSD-as-PCM tops out near 1.5 MHz); catches garbage that would overflow later.</summary>
    internal const int MaxSampleRate = 10_000_000;

    private const uint StreamingSize = 0xFFFFFFFF;

    // Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT (xxxxxxxx-0000-0010-8000-00AA00389B71); bytes 0..1 hold the format tag.
    private static readonly byte[] ExtensibleGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private readonly Stream _stream;
    private readonly string? _source;
    private readonly long _start;
    private readonly long _length; // bytes from _start to the end; -1 when not seekable
    private long _pos;

    private WavHeaderParser(Stream stream, string? source)
    {
        _stream = stream;
        _source = source;
        if (stream.CanSeek)
        {
            _start = stream.Position;
            _length = Math.Max(0, stream.Length - _start);
        }
        else
        {
            _length = -1;
        }
    }

    /// <summary>Parses the header and leaves <paramref name="stream"/> at the first sample byte.</summary>
    public static WavHeader Parse(Stream stream, string? source) => new WavHeaderParser(stream, source).Parse();

    private WavHeader Parse()
    {
        Span<byte> riff = stackalloc byte[12];
        var got = ReadFully(riff);
        if (got == 0)
        {
            throw Fail("empty file (0 bytes): not a RIFF/WAVE file");
        }

        var kind = got >= 4 ? FourCC(riff) : string.Empty;
        var isRf64 = kind is "RF64" or "BW64";
        if (kind == "RIFX")
        {
            throw Fail("big-endian RIFX/WAVE is not supported natively");
        }

        if (got < 12 && (kind is "RIFF" || isRf64))
        {
            throw Fail($"file too short for a RIFF/WAVE header ({got} of 12 bytes)");
        }

        if (got < 12 || !(kind is "RIFF" || isRf64) || FourCC(riff[8..]) != "WAVE")
        {
            var what = got >= 12 && kind == "RIFF" ? $"RIFF form type is '{Printable(riff[8..12])}'" : $"starts with {Hex(riff[..Math.Min(got, 4)])}";
            throw Fail($"not a RIFF/WAVE file ({what})");
        }

        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(riff[4..]);

        Span<byte> fmt = stackalloc byte[40];
        var fmtSize = -1;
        uint fmtDeclared = 0;
        long ds64Data = -1;
        long dataStart = -1; // data seen before fmt (seekable streams only)
        long dataSize = -1;
        Span<byte> head = stackalloc byte[8];
        Span<byte> ds64 = stackalloc byte[24];
        while (true)
        {
            var chunkOffset = _pos;
            got = ReadFully(head);
            if (got == 0 || (got < 8 && fmtSize >= 0 && dataStart < 0))
            {
                // Clean end of the chunk list (or a few stray trailing bytes, which some writers leave).
                throw Fail(fmtSize < 0 ? "fmt chunk missing" : "data chunk missing");
            }

            if (got < 8)
            {
                throw Fail($"chunk header at offset {chunkOffset} truncated ({got} of 8 bytes)");
            }

            var id = FourCC(head);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            switch (id)
            {
                case "ds64" when isRf64:
                {
                    // ds64: riffSize(8) dataSize(8) sampleCount(8) tableLength(4) table... (EBU Tech 3306 §3).
                    if (size < 24)
                    {
                        throw Fail($"ds64 chunk too short ({size} bytes, need at least 24)");
                    }

                    if (ReadFully(ds64) < 24)
                    {
                        throw Truncated("ds64", size, _pos - chunkOffset - 8);
                    }

                    var d = BinaryPrimitives.ReadUInt64LittleEndian(ds64[8..]);
                    if (d > long.MaxValue)
                    {
                        throw Fail($"ds64 data size {d} is implausible");
                    }

                    ds64Data = (long)d;
                    Skip(id, size, 24);
                    break;
                }

                case "fmt ":
                {
                    if (fmtSize >= 0)
                    {
                        // A second fmt chunk is not meaningful; the first one governs (as in most readers).
                        Skip(id, size, 0);
                        break;
                    }

                    if (size < 16)
                    {
                        throw Fail($"fmt chunk too short ({size} bytes, need at least 16)");
                    }

                    fmtDeclared = size;
                    fmtSize = (int)Math.Min(size, 40u);
                    if (ReadFully(fmt[..fmtSize]) < fmtSize)
                    {
                        throw Truncated("fmt ", size, _pos - chunkOffset - 8);
                    }

                    Skip(id, size, fmtSize);
                    if (dataStart >= 0)
                    {
                        // The data chunk came first: go back to it.
                        _stream.Seek(_start + dataStart, SeekOrigin.Begin);
                        _pos = dataStart;
                        return Build(fmt[..fmtSize], fmtDeclared, dataSize, dataStart);
                    }

                    break;
                }

                case "data":
                {
                    long bytes = size;
                    if (isRf64 && size == StreamingSize)
                    {
                        if (ds64Data < 0)
                        {
                            throw Fail("RF64 data chunk size is 0xFFFFFFFF but the ds64 chunk is missing");
                        }

                        bytes = ds64Data;
                    }
                    else if (IsStreamingSize(size, riffSize, _pos, isRf64))
                    {
                        bytes = -1;
                    }

                    if (fmtSize >= 0)
                    {
                        return Build(fmt[..fmtSize], fmtDeclared, bytes, _pos);
                    }

                    if (!_stream.CanSeek)
                    {
                        throw Fail("fmt chunk missing before the data chunk (the fmt chunk must come first in a non-seekable stream)");
                    }

                    if (bytes < 0)
                    {
                        throw Fail("fmt chunk missing before a data chunk of unknown (streamed) size");
                    }

                    dataStart = _pos;
                    dataSize = bytes;
                    Skip(id, bytes, 0);
                    break;
                }

                default:
                    // LIST, fact, cue , JUNK, bext, iXML, smpl, PAD ... carry nothing we need.
                    Skip(id, size, 0);
                    break;
            }
        }
    }

    /// <summary>
    /// Streaming writers (FFmpeg to a pipe, sox, some recorders) cannot seek back to fill in sizes and leave
    /// 0xFFFFFFFF or 0. A 0 is only "streamed" when the RIFF size also says nothing follows the data header;
    /// otherwise it is a genuinely empty data chunk followed by other chunks.
    /// </summary>
    private static bool IsStreamingSize(uint size, uint riffSize, long dataStart, bool isRf64) =>
        size == StreamingSize
        || (size == 0 && (isRf64 || riffSize == 0 || riffSize == StreamingSize || (long)riffSize + 8 <= dataStart));

    private WavHeader Build(ReadOnlySpan<byte> fmt, uint fmtChunkSize, long dataBytes, long dataStart)
    {
        // RIFF sizes are wrong in too many real files to be checked; the chunk walk trusts the stream length instead.
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (channels == 0)
        {
            throw Fail("fmt chunk declares 0 channels");
        }

        if (channels > MaxChannels)
        {
            throw Fail($"fmt chunk declares {channels} channels (at most {MaxChannels} supported)");
        }

        if (rate == 0)
        {
            throw Fail("fmt chunk declares sample rate 0");
        }

        if (rate > MaxSampleRate)
        {
            throw Fail($"fmt chunk declares implausible sample rate {rate} Hz");
        }

        var validBits = bits;
        var effectiveTag = tag;
        if (tag == 0xFFFE)
        {
            // WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4) subFormat GUID(16) after the 16 basic bytes.
            if (fmtChunkSize < 40 || fmt.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < 22)
            {
                throw Fail($"WAVE_FORMAT_EXTENSIBLE fmt chunk too short ({fmtChunkSize} bytes, need 40 with cbSize >= 22)");
            }

            validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            var guid = fmt[24..40];
            if (!guid[2..].SequenceEqual(ExtensibleGuidTail))
            {
                throw Fail($"unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID {{{new Guid(guid)}}} (only PCM and IEEE float)");
            }

            effectiveTag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            if (validBits == 0)
            {
                validBits = bits; // Some writers leave it 0; the container size is then the resolution.
            }
            else if (validBits > bits)
            {
                throw Fail($"valid bits per sample {validBits} exceed the container's {bits} bits");
            }
        }

        var format = effectiveTag switch
        {
            0x0001 => bits switch
            {
                8 => WavSampleFormat.Pcm8,
                16 => WavSampleFormat.Pcm16,
                24 => WavSampleFormat.Pcm24,
                32 => WavSampleFormat.Pcm32,
                _ => throw Fail($"unsupported bits per sample {bits} for PCM (8, 16, 24 or 32 supported)"),
            },
            0x0003 => bits switch
            {
                32 => WavSampleFormat.Float32,
                64 => WavSampleFormat.Float64,
                _ => throw Fail($"unsupported bits per sample {bits} for IEEE float (32 or 64 supported)"),
            },
            _ => throw Fail($"unsupported format tag 0x{effectiveTag:X4}{TagName(effectiveTag)}{(tag == 0xFFFE ? " in WAVE_FORMAT_EXTENSIBLE" : string.Empty)}"),
        };

        var expectedAlign = channels * (bits / 8);
        if (blockAlign != expectedAlign)
        {
            throw Fail($"block align {blockAlign} does not match channels*bits/8 = {channels}*{bits}/8 = {expectedAlign}");
        }

        long available = -1;
        if (dataBytes >= 0)
        {
            if (_length >= 0 && dataStart + dataBytes > _length)
            {
                throw Fail($"data chunk truncated: header says {dataBytes} bytes, file has {_length - dataStart}");
            }

            if (dataBytes % blockAlign != 0)
            {
                throw Fail($"data chunk size {dataBytes} is not a multiple of the block align {blockAlign} (partial final frame)");
            }
        }
        else if (_length >= 0)
        {
            available = _length - dataStart;
            if (available % blockAlign != 0)
            {
                throw Fail($"streamed data ends inside a frame: {available} bytes is not a multiple of the block align {blockAlign} (truncated)");
            }
        }

        return new WavHeader(format, channels, (int)rate, validBits, blockAlign, dataBytes, available);
    }

    private static string TagName(ushort tag) => tag switch
    {
        0x0000 => " (unknown/invalid)",
        0x0002 => " (Microsoft ADPCM in WAV)",
        0x0006 => " (A-law in WAV)",
        0x0007 => " (mu-law in WAV)",
        0x0011 => " (IMA ADPCM in WAV)",
        0x0031 => " (GSM 6.10 in WAV)",
        0x0050 => " (MPEG audio in WAV)",
        0x0055 => " (MP3 in WAV)",
        0x00FF or 0x1610 => " (AAC in WAV)",
        0x0161 or 0x0162 or 0x0163 => " (WMA in WAV)",
        0x2000 => " (AC-3 in WAV)",
        0x2001 => " (DTS in WAV)",
        0xF1AC => " (FLAC in WAV)",
        _ => string.Empty,
    };

    /// <summary>Skips the rest of a chunk of <paramref name="size"/> bytes of which <paramref name="consumed"/> were read, plus its RIFF pad byte.</summary>
    private void Skip(string id, long size, long consumed)
    {
        SkipLong(id, size, consumed);
        if ((size & 1) == 1)
        {
            // Odd-sized chunks are followed by a pad byte (RIFF spec); tolerate it missing at the very end.
            if (_length >= 0)
            {
                if (_pos < _length)
                {
                    _stream.Seek(1, SeekOrigin.Current);
                    _pos++;
                }
            }
            else
            {
                Span<byte> pad = stackalloc byte[1];
                ReadFully(pad);
            }
        }
    }

    /// <summary>Skips the unread <paramref name="size"/> - <paramref name="consumed"/> bytes of a chunk body, failing if the stream ends first.</summary>
    private void SkipLong(string id, long size, long consumed)
    {
        var count = size - consumed;
        if (count <= 0)
        {
            return;
        }

        var bodyStart = _pos - consumed;
        if (_length >= 0)
        {
            if (_pos + count > _length)
            {
                throw Truncated(id, size, _length - bodyStart);
            }

            _stream.Seek(count, SeekOrigin.Current);
            _pos += count;
            return;
        }

        var scratch = new byte[(int)Math.Min(count, 16 * 1024)];
        var left = count;
        while (left > 0)
        {
            var n = _stream.Read(scratch, 0, (int)Math.Min(left, scratch.Length));
            if (n == 0)
            {
                throw Truncated(id, size, _pos - bodyStart);
            }

            left -= n;
            _pos += n;
        }
    }

    private int ReadFully(Span<byte> buffer)
    {
        var n = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _pos += n;
        return n;
    }

    private AudioFormatException Truncated(string id, long declared, long present) =>
        Fail($"'{id.TrimEnd()}' chunk truncated: header says {declared} bytes, file has {Math.Max(0, present)}");

    private AudioFormatException Fail(string message) => new(_source, message);

    private static string FourCC(ReadOnlySpan<byte> b) => string.Create(4, b[..4].ToArray(), static (dst, src) =>
    {
        for (var i = 0; i < 4; i++)
        {
            dst[i] = (char)src[i];
        }
    });

    private static string Printable(ReadOnlySpan<byte> b)
    {
        var chars = new char[b.Length];
        for (var i = 0; i < b.Length; i++)
        {
            chars[i] = b[i] is >= 0x20 and < 0x7F ? (char)b[i] : '?';
        }

        return new string(chars);
    }

    private static string Hex(ReadOnlySpan<byte> b) =>
        b.Length == 0 ? "nothing" : string.Join(' ', b.ToArray().Select(x => x.ToString("X2", CultureInfo.InvariantCulture)));
}
