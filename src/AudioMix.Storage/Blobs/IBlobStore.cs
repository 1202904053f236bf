namespace AudioMix.Storage;

/// <summary>
/// A flat store of immutable-per-version blobs addressed by <see cref="BlobKey">keys</see>: the one storage
/// contract of AudioMix (uploads, augmented outputs, manifests and grain state). Two backends implement it:
/// <see cref="FileSystemBlobStore"/> (a local data directory) and <see cref="AzureBlobStore"/> (Azure Blob or Azurite).
/// </summary>
/// <remarks>
/// <para>Guarantees shared by every implementation:</para>
/// <list type="bullet">
/// <item>Writes are atomic: a reader sees the old blob or the new one, never a partial one.</item>
/// <item>Every successful write yields a new <see cref="BlobProperties.ETag"/>, even when the bytes are identical.</item>
/// <item>Conditional writes and deletes (<see cref="BlobCondition"/>) are checked and applied atomically; a failed
/// condition raises <see cref="BlobConditionFailedException"/>.</item>
/// <item>ETags are opaque, quoted strong entity tags (RFC 9110 §8.8.3), usable as HTTP <c>ETag</c> header values.</item>
/// </list>
/// </remarks>
public interface IBlobStore
{
    /// <summary>Gets the properties of a blob, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="key">The blob key (see <see cref="BlobKey"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a blob for reading. The stream is seekable, has a <see cref="Stream.Length"/>, and carries the
    /// <see cref="BlobReadStream.Properties"/> (ETag, content type, metadata) of the exact version it reads.
    /// </summary>
    /// <param name="key">The blob key.</param>
    /// <param name="cancellationToken">Cancels opening the blob.</param>
    /// <returns>A read-only seekable stream the caller disposes.</returns>
    /// <exception cref="BlobNotFoundException">The blob does not exist.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    Task<BlobReadStream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a blob from a stream (read to its end from its current position, never buffered whole in memory),
    /// creating or replacing it atomically.
    /// </summary>
    /// <param name="key">The blob key.</param>
    /// <param name="content">The content; read to its end and not disposed.</param>
    /// <param name="options">Content type, condition and metadata; <see langword="null"/> for an unconditional write.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write leaves the previous blob (if any) untouched.</param>
    /// <returns>The properties of the new version (its new ETag and length).</returns>
    /// <exception cref="BlobConditionFailedException">The condition in <paramref name="options"/> does not hold.</exception>
    /// <exception cref="ArgumentException">The key or the metadata is invalid.</exception>
    Task<BlobProperties> WriteAsync(string key, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob.</summary>
    /// <param name="key">The blob key.</param>
    /// <param name="condition">
    /// <see langword="null"/> or <see cref="BlobCondition.None"/>: unconditional.
    /// <see cref="BlobCondition.IfMatch(string)"/>: only the given version (a missing blob fails the condition).
    /// <see cref="BlobCondition.IfNotExists"/>: succeeds (as a no-op) only when the blob is absent.
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a blob was deleted; <see langword="false"/> when there was none.</returns>
    /// <exception cref="BlobConditionFailedException">The condition does not hold.</exception>
    Task<bool> DeleteAsync(string key, BlobCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the blobs whose keys start with <paramref name="prefix"/> (a plain string prefix, not only whole
    /// segments), in ordinal key order.
    /// </summary>
    /// <param name="prefix">The key prefix; empty lists everything.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">The prefix cannot start any valid key.</exception>
    IAsyncEnumerable<BlobProperties> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
