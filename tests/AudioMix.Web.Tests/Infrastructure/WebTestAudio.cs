using System.Buffers.Binary;
using System.Net.Http.Headers;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Web.Tests.Infrastructure;

/// <summary>Audio generated in code for the REST tests.</summary>
public static class WebTestAudio
{
    public static byte[] Wav(double frequency, int rate = 16000, int channels = 1, double seconds = 0.3, int seed = 0)
    {
        var frames = (int)Math.Round(rate * seconds);
        var random = new Random(seed);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = 0.3f * MathF.Sin((float)(2 * Math.PI * frequency * i / rate)) + 0.01f * (float)(random.NextDouble() - 0.5);
            }
        }

        using var memory = new MemoryStream();
        using (var writer = new WavWriter(memory, rate, channels, WavSampleFormat.Pcm16, leaveOpen: true))
        {
            writer.Write(new AudioBuffer(rate, data));
        }

        return memory.ToArray();
    }

    public static ByteArrayContent File(byte[] bytes, string mediaType = "audio/wav")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}

/// <summary>
/// A 16-bit PCM WAV of a given size generated on the fly (a sine, never materialised), so a large upload
/// can be sent without the test itself holding the file in memory.
/// </summary>
public sealed class GeneratedWavStream : Stream
{
    private const int Rate = 48000;
    private const int Channels = 2;
    // 480 Hz at 48 kHz repeats every 100 frames: one period, computed once.
    private static readonly short[] Period = Enumerable.Range(0, 100).Select(i => (short)(10000 * Math.Sin(2 * Math.PI * i / 100))).ToArray();
    private readonly byte[] _header = new byte[44];
    private readonly long _length;
    private long _position;

    public GeneratedWavStream(long dataBytes)
    {
        dataBytes -= dataBytes % (2 * Channels);
        _length = 44 + dataBytes;
        var h = _header.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + dataBytes));
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], Rate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], Rate * Channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], Channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)dataBytes);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        for (var k = 0; k < n; k++)
        {
            var p = _position + k;
            if (p < 44)
            {
                buffer[k] = _header[p];
                continue;
            }

            // Sample from the byte offset: a 480 Hz sine at about -10 dBFS, little-endian.
            var d = p - 44;
            var sample = Period[(int)(d / (2 * Channels) % 100)];
            buffer[k] = (d & 1) == 0 ? (byte)(sample & 0xFF) : (byte)((sample >> 8) & 0xFF);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
