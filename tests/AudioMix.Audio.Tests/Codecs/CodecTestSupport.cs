using System.Buffers.Binary;
using System.Text;
using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Tests.Codecs;

/// <summary>A RIFF chunk for hand-built test files; <paramref name="DeclaredSize"/> overrides the size field to fake corruption.</summary>
internal sealed record Chunk(string Id, byte[] Body, uint? DeclaredSize = null, bool Pad = true);

/// <summary>Builds WAV byte images chunk by chunk, independently of the writer under test.</summary>
internal static class WavBytes
{
    public static readonly byte[] PcmGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static byte[] Riff(IEnumerable<Chunk> chunks, string riffId = "RIFF", string form = "WAVE", uint? riffSize = null)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(riffId));
        ms.Write(new byte[4]);
        ms.Write(Encoding.ASCII.GetBytes(form));
        foreach (var c in chunks)
        {
            ms.Write(Encoding.ASCII.GetBytes(c.Id));
            ms.Write(U32(c.DeclaredSize ?? (uint)c.Body.Length));
            ms.Write(c.Body);
            if (c.Pad && (c.Body.Length & 1) == 1)
            {
                ms.WriteByte(0);
            }
        }

        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), riffSize ?? (uint)(bytes.Length - 8));
        return bytes;
    }

    public static byte[] Riff(params Chunk[] chunks) => Riff((IEnumerable<Chunk>)chunks);

    public static Chunk Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null, int extraBytes = 0)
    {
        var body = new byte[16 + extraBytes];
        var align = blockAlign ?? channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(body, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bits);
        return new Chunk("fmt ", body);
    }

    public static Chunk FmtExtensible(int channels, int rate, int containerBits, int validBits, ushort subTag, byte[]? guidTail = null, ushort cbSize = 22)
    {
        var body = new byte[40];
        var align = channels * containerBits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(body, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)containerBits);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), cbSize);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(20), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), subTag);
        (guidTail ?? PcmGuidTail).CopyTo(body.AsSpan(26));
        return new Chunk("fmt ", body);
    }

    public static Chunk Data(byte[] samples, uint? declared = null) => new("data", samples, declared);

    public static byte[] Pcm16(params short[] values)
    {
        var b = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(i * 2), values[i]);
        }

        return b;
    }

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    /// <summary>A small valid PCM16 stereo file with a LIST chunk before and a cue-like chunk after the data.</summary>
    public static byte[] SmallValid(int frames = 12)
    {
        var samples = new short[frames * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)((i * 2731) - 16000);
        }

        return Riff(
            new Chunk("LIST", Encoding.ASCII.GetBytes("INFOISFT\u0005\0\0\0test\0")),
            Fmt(1, 2, 8000, 16),
            Data(Pcm16(samples)));
    }
}

/// <summary>A read-only, forward-only view of a stream, as a pipe or HTTP body would be.</summary>
internal sealed class ForwardOnlyStream(Stream inner, int maxChunk = int.MaxValue) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    // Returns short reads (up to maxChunk bytes), as pipes do, to exercise the readers' refill loops.
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxChunk));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A write-only, non-seekable sink (a pipe) that keeps what was written.</summary>
internal sealed class WriteOnlyStream : Stream
{
    public MemoryStream Inner { get; } = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
}

/// <summary>A private folder under the system temp directory, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audiomix-codec-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Signals
{
    /// <summary>A sine per channel: channel c at <paramref name="frequencies"/>[c] Hz.</summary>
    public static AudioBuffer Sines(int rate, double seconds, float amplitude, params double[] frequencies)
    {
        var frames = (int)Math.Round(seconds * rate);
        var data = new float[frequencies.Length][];
        for (var c = 0; c < frequencies.Length; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * (float)Math.Sin(2 * Math.PI * frequencies[c] * i / rate);
            }
        }

        return new AudioBuffer(rate, data);
    }

    /// <summary>Uniform noise in [-amp, amp] with a fixed seed.</summary>
    public static AudioBuffer Noise(int rate, int frames, int channels, float amplitude, int seed)
    {
        var rng = new Random(seed);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * (float)((rng.NextDouble() * 2) - 1);
            }
        }

        return new AudioBuffer(rate, data);
    }

    /// <summary>
    /// Least-squares fit of a sinusoid at <paramref name="frequency"/> to x (projection onto sin and cos):
    /// returns its amplitude and the RMS of what the sinusoid does not explain, relative to the RMS of x.
    /// Phase- and delay-agnostic, so codec latency does not matter.
    /// </summary>
    public static (double Amplitude, double ResidualRatio) FitSine(ReadOnlySpan<float> x, double frequency, int rate)
    {
        double s = 0, c = 0, energy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var w = 2 * Math.PI * frequency * i / rate;
            s += x[i] * Math.Sin(w);
            c += x[i] * Math.Cos(w);
            energy += x[i] * (double)x[i];
        }

        var a = 2 * s / x.Length;
        var b = 2 * c / x.Length;
        double residual = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var w = 2 * Math.PI * frequency * i / rate;
            var r = x[i] - ((a * Math.Sin(w)) + (b * Math.Cos(w)));
            residual += r * r;
        }

        return (Math.Sqrt((a * a) + (b * b)), Math.Sqrt(residual / Math.Max(energy, 1e-30)));
    }
}
