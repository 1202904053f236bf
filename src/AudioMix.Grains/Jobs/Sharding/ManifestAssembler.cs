using AudioMix.Storage;

namespace AudioMix.Grains.Jobs.Sharding;

/// <summary>
/// Writes a job's manifest as the concatenation of its shards' parts, streamed: one part is open at a time, so memory
/// does not grow with the job (a 100k-unit manifest is ~120 MB of JSON lines and is never held whole).
/// </summary>
internal static class ManifestAssembler
{
    public static async Task WriteAsync(IBlobStore store, string jobId, int shardCount, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await using var content = new PartsStream(store, Enumerable.Range(0, shardCount).Select(s => ShardKeys.Manifest(jobId, s)).ToArray(), progress);
        await store.WriteAsync(JobKeys.Manifest(jobId), content, new BlobWriteOptions { ContentType = "application/jsonl" }, cancellationToken);
    }

    /// <summary>Reads blobs one after another as one forward-only stream.</summary>
    private sealed class PartsStream(IBlobStore store, IReadOnlyList<string> keys, IProgress<int>? progress) : Stream
    {
        private int _next;
        private Stream? _current;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_current is null)
                {
                    if (_next == keys.Count)
                    {
                        return 0;
                    }

                    progress?.Report(_next);
                    _current = await store.OpenReadAsync(keys[_next++], cancellationToken).ConfigureAwait(false);
                }

                var read = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0)
                {
                    return read;
                }

                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
