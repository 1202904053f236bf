using System.Security.Cryptography;

namespace AudioMix.Storage.Tests.Infrastructure;

/// <summary>
/// A non-seekable stream of deterministic pseudo-random bytes generated on the fly (never materialised), so large
/// writes are tested without holding the content in memory. Byte i is <see cref="ByteAt"/>(seed, i).
/// </summary>
public sealed class PatternStream(long length, int seed) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>A position-addressable byte: a Knuth multiplicative hash of the position and seed.</summary>
    public static byte ByteAt(int seed, long i) => (byte)((((ulong)i + (ulong)seed * 7919UL) * 2654435761UL) >> 13);

    /// <summary>The SHA-256 of the whole content, computed incrementally.</summary>
    public static byte[] Hash(long length, int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, length - offset);
            Fill(seed, offset, buffer.AsSpan(0, n));
            hash.AppendData(buffer, 0, n);
        }

        return hash.GetHashAndReset();
    }

    public static void Fill(int seed, long offset, Span<byte> destination)
    {
        for (var k = 0; k < destination.Length; k++)
        {
            destination[k] = ByteAt(seed, offset + k);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        Fill(seed, _position, buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A stream that yields some bytes and then fails, like a client connection dropping mid-upload.</summary>
public sealed class FailingStream(long failAfter) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAfter)
        {
            throw new IOException("Simulated connection drop.");
        }

        var n = (int)Math.Min(count, failAfter - _position);
        buffer.AsSpan(offset, n).Fill(0xAB);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
