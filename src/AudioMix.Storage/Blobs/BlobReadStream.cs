namespace AudioMix.Storage;

/// <summary>
/// A read-only, seekable stream over one version of a blob, carrying that version's <see cref="Properties"/>.
/// <see cref="Stream.Length"/> is the content length, so HTTP range requests can be served from it.
/// </summary>
/// <remarks>
/// The stream reads the version it was opened on: a concurrent overwrite either is invisible to it (filesystem:
/// the open file keeps the old version) or makes further reads fail (Azure: reads are conditional on the ETag);
/// it never mixes two versions.
/// </remarks>
public sealed class BlobReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private long _position;

    /// <summary>Wraps a seekable stream whose first <see cref="BlobProperties.Length"/> bytes are the content.</summary>
    /// <param name="inner">The backend stream (owned: disposed with this stream); it must be seekable and readable.</param>
    /// <param name="properties">The properties of the version <paramref name="inner"/> reads.</param>
    /// <exception cref="ArgumentException"><paramref name="inner"/> is not readable and seekable.</exception>
    public BlobReadStream(Stream inner, BlobProperties properties)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(properties);
        if (!inner.CanRead || !inner.CanSeek)
        {
            throw new ArgumentException("The backend stream must be readable and seekable.", nameof(inner));
        }

        _inner = inner;
        Properties = properties;
        _length = properties.Length;
        _inner.Position = 0;
    }

    /// <summary>The properties of the version this stream reads.</summary>
    public BlobProperties Properties { get; }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var wanted = Clamp(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        SyncInnerPosition();
        var read = _inner.Read(buffer[..wanted]);
        _position += read;
        return read;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Clamp(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        SyncInnerPosition();
        var read = await _inner.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };
        if (target < 0)
        {
            throw new IOException($"Cannot seek to {target}: before the start of blob '{Properties.Key}'.");
        }

        _position = target;
        return target;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("Blob read streams are read-only.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Blob read streams are read-only.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Clamp(int requested) => _position >= _length ? 0 : (int)Math.Min(requested, _length - _position);

    // Seeks are lazy: the backend stream is only repositioned when a read needs it.
    private void SyncInnerPosition()
    {
        if (_inner.Position != _position)
        {
            _inner.Position = _position;
        }
    }
}
