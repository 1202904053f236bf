using System.Diagnostics;
using AudioMix.Grains.Operations;
using AudioMix.Storage;
using Microsoft.Extensions.Options;

namespace AudioMix.Grains.Datasets;

/// <summary>
/// Deletes cached beat analyses (<see cref="BeatAnalysisCache"/>, keyed by content hash and shared by every dataset that
/// holds the same audio) that no dataset references any more, and those of older tracker versions. Datasets ask for a
/// sweep after they are deleted; requests that arrive during a sweep are folded into one more sweep after it.
/// </summary>
[Alias("AudioMix.IAnalysisCacheSweepGrain")]
public interface IAnalysisCacheSweepGrain : IGrainWithStringKey
{
    /// <summary>The one sweeper's key.</summary>
    const string Key = "analysis-cache";

    /// <summary>Asks for a sweep; returns at once, the sweep runs in the background.</summary>
    [Alias("Request")]
    Task RequestAsync();

    /// <summary>Sweeps finished since this activation started, and what the last one did.</summary>
    [Alias("GetStatus")]
    Task<AnalysisSweepStatus> GetStatusAsync();
}

/// <summary>
/// What the sweeper has done: sweeps finished, whether one is running or waiting to retry, the last sweep's kept and
/// deleted analyses, and the attempts that failed (each retried).
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.AnalysisSweepStatus")]
public sealed record AnalysisSweepStatus(
    [property: Id(0)] int Completed, [property: Id(1)] bool Running, [property: Id(2)] int Kept, [property: Id(3)] int Deleted, [property: Id(4)] int Failed = 0);

/// <summary>How the analysis-cache sweeper retries (section <c>AudioMix:AnalysisSweep</c>).</summary>
public sealed class AnalysisSweepOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AudioMix:AnalysisSweep";

    /// <summary>
    /// Seconds before a failed sweep is tried again (doubling with each failure in a row, at most 64 times this): a
    /// failing store must not lose the request a deletion made.
    /// </summary>
    public double RetrySeconds { get; set; } = 30;

    /// <summary>Throws on a delay the sweeper cannot use (so the silo does not start); true otherwise.</summary>
    public bool Validate()
    {
        if (!double.IsFinite(RetrySeconds) || RetrySeconds is < 0.01 or > 3600)
        {
            throw new ArgumentException($"{Section}:RetrySeconds must be between 0.01 and 3600 (got {RetrySeconds}).");
        }

        return true;
    }
}

/// <summary>
/// Mark and sweep: the live set is every content hash of every dataset's items, read page by page (1,000 items a call);
/// then each analysis blob not in it, or of another tracker version, is deleted. A cache entry is only ever a saving, so
/// deleting one a new upload is about to use costs a re-analysis, never data; still, entries written after the sweep
/// began are kept (compared with a marker blob written at its start, so clocks of silo and store never meet).
/// </summary>
internal sealed partial class AnalysisCacheSweepGrain(
    IGrainFactory grains, IBlobStore store, IOptions<AnalysisSweepOptions> options, ILogger<AnalysisCacheSweepGrain> logger)
    : Grain, IAnalysisCacheSweepGrain
{
    private const string MarkerKey = "analysis/sweep-marker";
    private const int PageSize = IDatasetPageGrain.Capacity;

    private bool _pending;
    private Task? _loop;
    private AnalysisSweepStatus _status = new(0, false, 0, 0);

    public Task RequestAsync()
    {
        _pending = true;
        _loop ??= LoopAsync();
        return Task.CompletedTask;
    }

    public Task<AnalysisSweepStatus> GetStatusAsync() => Task.FromResult(_status with { Running = _loop is not null });

    private async Task LoopAsync()
    {
        try
        {
            var failuresInARow = 0;
            while (_pending)
            {
                _pending = false;
                DelayDeactivation(TimeSpan.FromMinutes(10));
                try
                {
                    var (kept, deleted) = await SweepAsync();
                    failuresInARow = 0;
                    _status = _status with { Completed = _status.Completed + 1, Kept = kept, Deleted = deleted };
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A failed sweep loses no data (what it did not delete stays, and deletes are conditional), and it
                    // must not lose the request either: the datasets it was asked for are gone and will not ask again.
                    // So it is kept and retried after a pause that doubles while the store keeps failing.
                    failuresInARow++;
                    _status = _status with { Failed = _status.Failed + 1 };
                    var delay = TimeSpan.FromSeconds(options.Value.RetrySeconds * Math.Pow(2, Math.Min(failuresInARow - 1, 6)));
                    LogSweepFailed(logger, ex.GetType().Name, ex.Message, delay.TotalSeconds);
                    _pending = true;
                    DelayDeactivation(delay + TimeSpan.FromMinutes(10));
                    await Task.Delay(delay);
                }
            }
        }
        finally
        {
            _loop = null;
        }
    }

    private async Task<(int Kept, int Deleted)> SweepAsync()
    {
        var watch = Stopwatch.StartNew();
        using (var empty = new MemoryStream([]))
        {
            await store.WriteAsync(MarkerKey, empty, new BlobWriteOptions { ContentType = "text/plain" });
        }

        var started = (await store.GetPropertiesAsync(MarkerKey))?.LastModified ?? DateTimeOffset.MinValue;
        var live = await LiveContentHashesAsync();
        var doomed = new List<BlobProperties>();
        var kept = 0;
        await foreach (var blob in store.ListAsync(BeatAnalysisCache.Prefix))
        {
            if (blob.LastModified >= started || BeatAnalysisCache.TryParseKey(blob.Key) is not { } entry)
            {
                kept++;
            }
            else if (entry.IsCurrentVersion && live.Contains(entry.ContentHash))
            {
                kept++;
            }
            else
            {
                doomed.Add(blob);
            }
        }

        var deleted = 0;
        foreach (var blob in doomed)
        {
            try
            {
                // Only the version listed: an entry rewritten since is someone's fresh analysis.
                if (await store.DeleteAsync(blob.Key, BlobCondition.IfMatch(blob.ETag)))
                {
                    deleted++;
                }
            }
            catch (BlobConditionFailedException)
            {
                kept++;
            }
        }

        LogSwept(logger, live.Count, kept, deleted, watch.ElapsedMilliseconds);
        return (kept, deleted);
    }

    private async Task<HashSet<string>> LiveContentHashesAsync()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dataset in await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).ListAsync())
        {
            var grain = grains.GetGrain<IDatasetGrain>(dataset.Id);
            try
            {
                for (var offset = 0; ; offset += PageSize)
                {
                    var page = await grain.GetItemsAsync(offset, PageSize);
                    foreach (var item in page.Items)
                    {
                        live.Add(item.ContentHash);
                    }

                    if (page.Items.Count == 0 || offset + page.Items.Count >= page.Total)
                    {
                        break;
                    }
                }
            }
            catch (KeyNotFoundException)
            {
                // Deleted while the sweep read the catalog: its items are going, not live.
            }
        }

        return live;
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "Analysis cache swept: {Live} live content hashes, {Kept} analyses kept, {Deleted} deleted in {ElapsedMs} ms")]
    private static partial void LogSwept(ILogger logger, int live, int kept, int deleted, long elapsedMs);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Analysis cache sweep failed ({Error}: {Message}); the cache is unchanged past what was deleted, retrying in {RetrySeconds} s")]
    private static partial void LogSweepFailed(ILogger logger, string error, string message, double retrySeconds);
}
