namespace AudioMix.Storage;

/// <summary>Operations over many blobs of an <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>
    /// Deletes every blob whose key starts with <paramref name="prefix"/> (a few at a time) and answers how many went.
    /// Blobs that vanish meanwhile are not an error, so a deletion cut short can simply run again.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="prefix">A non-empty key prefix, normally a whole folder ending in <c>/</c>.</param>
    /// <param name="cancellationToken">Cancels the deletion (blobs already deleted stay deleted).</param>
    public static async Task<int> DeletePrefixAsync(this IBlobStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        // Listed first, then deleted: a listing is not promised to stay stable while its own blobs go.
        var keys = new List<string>();
        await foreach (var blob in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(blob.Key);
        }

        var deleted = 0;
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                if (await store.DeleteAsync(key, cancellationToken: ct).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref deleted);
                }
            }).ConfigureAwait(false);
        return deleted;
    }
}
