using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using AzureModels = Azure.Storage.Blobs.Models;

namespace AudioMix.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> over one Azure Blob Storage container (Azure or the Azurite emulator).
/// Keys are blob names unchanged.
/// </summary>
/// <remarks>
/// <para>Conditions map to HTTP preconditions (<c>If-None-Match: *</c>, <c>If-Match</c>) evaluated by the service,
/// so they hold across processes. Refusals — 409 <c>BlobAlreadyExists</c>, 412 <c>ConditionNotMet</c>, and 404
/// <c>BlobNotFound</c> under <c>If-Match</c> — become <see cref="BlobConditionFailedException"/>.</para>
/// <para>Uploads are streamed in 4 MiB blocks (at most two in flight), so memory stays bounded whatever the size;
/// the block list is committed under the condition, so readers never see a partial blob.</para>
/// <para>No service version is pinned: Azurite must run with <c>--skipApiVersionCheck</c> (or
/// <c>AZURITE_SKIP_API_VERSION_CHECK=true</c>) because the client's default version is newer than it accepts.</para>
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    private const int BlockSize = 4 * 1024 * 1024;
    private const int MaxOpenAttempts = 3;
    private readonly BlobContainerClient _container;
    private readonly Lock _containerGate = new();
    private Task? _containerReady;

    /// <summary>Creates a store over a container client; the container is created on first use if missing.</summary>
    /// <param name="container">The container client.</param>
    public AzureBlobStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
    }

    /// <summary>Creates a store from a connection string and a container name.</summary>
    /// <param name="connectionString">An Azure Storage connection string (for Azurite, the explicit devstoreaccount1 form).</param>
    /// <param name="containerName">The container name (3–63 lowercase letters, digits and single hyphens).</param>
    public AzureBlobStore(string connectionString, string containerName)
        : this(new BlobContainerClient(connectionString, containerName))
    {
    }

    /// <summary>The container name.</summary>
    public string ContainerName => _container.Name;

    /// <summary>Creates the container if it does not exist (otherwise done lazily by the first operation).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task EnsureContainerAsync(CancellationToken cancellationToken = default)
    {
        lock (_containerGate)
        {
            // A failed or cancelled attempt is retried by the next caller.
            if (_containerReady is null || _containerReady.IsFaulted || _containerReady.IsCanceled)
            {
                _containerReady = _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }

            return _containerReady;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToProperties(key, response.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobReadStream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(key);
        for (var attempt = 1; ; attempt++)
        {
            var properties = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false) ?? throw BlobNotFoundException.For(key);
            try
            {
                // Pin the stream to the version whose properties we return: every ranged read is If-Match'ed, so an
                // overwrite makes reads fail instead of mixing versions.
                var options = new AzureModels.BlobOpenReadOptions(allowModifications: false)
                {
                    Conditions = new AzureModels.BlobRequestConditions { IfMatch = new ETag(properties.ETag) },
                };
                var stream = await blob.OpenReadAsync(options, cancellationToken).ConfigureAwait(false);
                return new BlobReadStream(stream, properties);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxOpenAttempts)
            {
                // Overwritten or deleted between the two calls: look again.
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw BlobNotFoundException.For(key, e);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> WriteAsync(string key, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobWriteOptions();
        var metadata = BlobMetadata.Validate(options.Metadata);
        var condition = options.Condition ?? BlobCondition.None;
        var contentType = options.ContentType ?? BlobWriteOptions.DefaultContentType;
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        var counting = new CountingReadStream(content);
        var upload = new AzureModels.BlobUploadOptions
        {
            HttpHeaders = new AzureModels.BlobHttpHeaders { ContentType = contentType },
            Metadata = metadata.ToDictionary(),
            Conditions = ToRequestConditions(condition),
            // Without these the SDK buffers up to 256 MiB of a non-seekable stream to decide on a single-shot upload.
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = BlockSize,
                MaximumTransferSize = BlockSize,
                MaximumConcurrency = 2,
            },
        };
        try
        {
            var response = await _container.GetBlobClient(key).UploadAsync(counting, upload, cancellationToken).ConfigureAwait(false);
            return new BlobProperties(key, counting.BytesRead, Quoted(response.Value.ETag), response.Value.LastModified, contentType, metadata);
        }
        catch (RequestFailedException e) when (IsConditionFailure(e, condition))
        {
            throw BlobConditionFailedException.For(key, condition, await CurrentETagAsync(key).ConfigureAwait(false), e);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        condition ??= BlobCondition.None;
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        if (condition.Kind == BlobConditionKind.IfNotExists)
        {
            // "Delete only if absent" never deletes anything, so answering from the properties is exact (and the
            // service does not apply If-None-Match: * to deletes consistently: Azurite ignores it).
            return await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false) is { } existing
                ? throw BlobConditionFailedException.For(key, condition, existing.ETag)
                : false;
        }

        try
        {
            await _container.GetBlobClient(key)
                .DeleteAsync(AzureModels.DeleteSnapshotsOption.IncludeSnapshots, ToRequestConditions(condition), cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (IsConditionFailure(e, condition))
        {
            throw BlobConditionFailedException.For(key, condition, await CurrentETagAsync(key).ConfigureAwait(false), e);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var options = new AzureModels.GetBlobsOptions
        {
            Prefix = prefix.Length == 0 ? null : prefix,
            Traits = AzureModels.BlobTraits.Metadata,
        };
        // The service lists in lexicographic (ordinal) name order.
        await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
        {
            var p = item.Properties;
            yield return new BlobProperties(
                item.Name,
                p.ContentLength ?? 0,
                p.ETag is { } etag ? Quoted(etag) : string.Empty,
                p.LastModified ?? DateTimeOffset.MinValue,
                p.ContentType ?? BlobWriteOptions.DefaultContentType,
                ToMetadata(item.Metadata));
        }
    }

    // The SDK reports ETags quoted after uploads but unquoted from properties and listings; the contract is the
    // quoted (HTTP strong entity tag) form everywhere, and the service accepts it in If-Match.
    private static string Quoted(ETag etag)
    {
        var value = etag.ToString();
        return value.StartsWith('"') ? value : "\"" + value + "\"";
    }

    private static bool IsConditionFailure(RequestFailedException e, BlobCondition condition) => condition.Kind switch
    {
        BlobConditionKind.None => false,
        // 409 BlobAlreadyExists (create-only on an existing blob) or 412 ConditionNotMet.
        BlobConditionKind.IfNotExists => e.Status is 409 or 412,
        // 412 stale ETag; 404 BlobNotFound when the blob was deleted meanwhile (but not a missing container).
        BlobConditionKind.IfMatch => e.Status is 409 or 412
            || (e.Status == 404 && e.ErrorCode != AzureModels.BlobErrorCode.ContainerNotFound.ToString()),
        _ => false,
    };

    private static AzureModels.BlobRequestConditions? ToRequestConditions(BlobCondition condition) => condition.Kind switch
    {
        BlobConditionKind.IfNotExists => new AzureModels.BlobRequestConditions { IfNoneMatch = ETag.All },
        BlobConditionKind.IfMatch => new AzureModels.BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
        _ => null,
    };

    private async Task<string?> CurrentETagAsync(string key)
    {
        try
        {
            return (await GetPropertiesAsync(key, CancellationToken.None).ConfigureAwait(false))?.ETag;
        }
        catch (RequestFailedException)
        {
            return null;
        }
    }

    private static BlobProperties ToProperties(string key, AzureModels.BlobProperties p) => new(
        key,
        p.ContentLength,
        Quoted(p.ETag),
        p.LastModified,
        p.ContentType ?? BlobWriteOptions.DefaultContentType,
        ToMetadata(p.Metadata));

    private static Dictionary<string, string> ToMetadata(IDictionary<string, string>? metadata) =>
        metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : metadata.ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Counts the bytes the SDK reads, since a non-seekable stream has no length to report.</summary>
    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
