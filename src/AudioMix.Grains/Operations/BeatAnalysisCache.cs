using System.Collections.Concurrent;
using System.Text;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;
using AudioMix.Music.Beats;
using AudioMix.Storage;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Beat analyses stored as JSON blobs keyed by content hash (<c>analysis/beats/v3/{sha256}.json</c>): each piece of
/// content is tracked once, whatever dataset or job uses it, and later jobs read the blob instead of decoding audio.
/// Tracking runs in the <see cref="ComputeLimiter"/>; concurrent requests for the same content share one run.
/// </summary>
public sealed class BeatAnalysisCache(BlobAudio audio, ComputeLimiter compute) : IDisposable
{
    // Bump when the tracker's output for the same audio changes, so stale analyses are not reused.
    // v2: multi-feature tracker, off-beat correction, chroma/bass bar-level downbeats, committee-agreement confidence.
    // v3: kick/accent/backbeat tempo-octave check (fast songs no longer at half tempo), preferred range up to 200 BPM.
    internal const string Version = "v3";

    private readonly Lazy<BeatTracker> _tracker = new(() => new BeatTracker(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);
    private int _trackerRuns;

    /// <summary>How many times this cache ran the tracker (the rest were blob hits).</summary>
    public int TrackerRuns => Volatile.Read(ref _trackerRuns);

    /// <summary>Where every version's analyses live (<c>{Prefix}{version}/{sha256}.json</c>).</summary>
    public const string Prefix = "analysis/beats/";

    /// <summary>The blob key of the analysis of content with this SHA-256.</summary>
    public static string Key(string contentHash) => $"{Prefix}{Version}/{contentHash}.json";

    /// <summary>The version and content hash an analysis key names, or null for any other key.</summary>
    public static CachedAnalysisKey? TryParseKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = key[Prefix.Length..^".json".Length].Split('/');
        return parts is [{ Length: > 0 } version, { Length: > 0 } hash]
            ? new CachedAnalysisKey(version, hash, string.Equals(version, Version, StringComparison.Ordinal))
            : null;
    }

    /// <summary>The analysis of <paramref name="item"/> as JSON (see <see cref="BeatAnalysisJson"/>), from the cache or computed and stored.</summary>
    public async Task<string> GetOrAnalyzeAsync(DatasetItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = Key(item.ContentHash);
        if (await audio.Store.GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            try
            {
                return await ReadTextAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobNotFoundException)
            {
                // Deleted between the two calls: compute it again below.
            }
        }

        var run = _inFlight.GetOrAdd(key, _ => new Lazy<Task<string>>(() => AnalyzeAndStoreAsync(item, key, cancellationToken)));
        try
        {
            return await run.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, run));
        }
    }

    private async Task<string> AnalyzeAndStoreAsync(DatasetItem item, string key, CancellationToken cancellationToken)
    {
        var json = await compute.RunAsync(
            async ct =>
            {
                var buffer = await audio.ReadAsync(item.BlobKey, item.FileName, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _trackerRuns);
                return BeatAnalysisJson.Serialize(_tracker.Value.Analyze(buffer));
            },
            cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await audio.Store.WriteAsync(key, content, new BlobWriteOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        return json;
    }

    private async Task<string> ReadTextAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await audio.Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the tracker.</summary>
    public void Dispose()
    {
        if (_tracker.IsValueCreated)
        {
            _tracker.Value.Dispose();
        }
    }
}

/// <summary>What a cached analysis's key says: the tracker version that wrote it and the content it describes.</summary>
public readonly record struct CachedAnalysisKey(string Version, string ContentHash, bool IsCurrentVersion);
