using System.Runtime.CompilerServices;
using AudioMix.Storage;

namespace AudioMix.Grains.Tests.Infrastructure;

/// <summary>
/// A store that passes everything to <paramref name="inner"/>, except that under <see cref="Prefix"/> a test can make
/// listings and deletions fail (an <see cref="IOException"/>, as a store outage surfaces) and run a step just before a
/// listing starts (e.g. write a blob "during" whatever lists); and before any write a test can run a step (e.g. delete
/// the blob's owner "while" it is being written).
/// </summary>
internal sealed class HookedBlobStore(IBlobStore inner, string prefix) : IBlobStore
{
    private int _failListings;
    private int _failDeletes;

    /// <summary>Keys the hooks apply to.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Runs before each listing under <see cref="Prefix"/>.</summary>
    public Func<Task>? BeforeListing { get; set; }

    /// <summary>Runs before each write, with the key.</summary>
    public Func<string, Task>? BeforeWriting { get; set; }

    /// <summary>The next <paramref name="count"/> listings under the prefix fail.</summary>
    public void FailListings(int count) => Interlocked.Exchange(ref _failListings, count);

    /// <summary>The next <paramref name="count"/> deletions under the prefix fail.</summary>
    public void FailDeletes(int count) => Interlocked.Exchange(ref _failDeletes, count);

    public Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(key, cancellationToken);

    public Task<BlobReadStream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public async Task<BlobProperties> WriteAsync(string key, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (BeforeWriting is { } step)
        {
            await step(key);
        }

        return await inner.WriteAsync(key, content, options, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        if (key.StartsWith(Prefix, StringComparison.Ordinal) && Interlocked.Decrement(ref _failDeletes) >= 0)
        {
            throw new IOException($"injected: deleting {key} failed");
        }

        return inner.DeleteAsync(key, condition, cancellationToken);
    }

    public async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (prefix.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (BeforeListing is { } step)
            {
                await step();
            }

            if (Interlocked.Decrement(ref _failListings) >= 0)
            {
                throw new IOException($"injected: listing {prefix} failed");
            }
        }

        await foreach (var blob in inner.ListAsync(prefix, cancellationToken))
        {
            yield return blob;
        }
    }
}
