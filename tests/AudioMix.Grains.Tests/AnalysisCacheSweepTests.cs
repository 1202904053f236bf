using AudioMix.Grains.Datasets;
using AudioMix.Grains.Operations;
using AudioMix.Grains.Tests.Infrastructure;
using AudioMix.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Grains.Tests;

/// <summary>
/// The analysis-cache sweeper on its own cluster, its store decorated so a test can act during a sweep or make the store
/// fail (the deletion scenarios in AudioMix.Web.Tests cover what it keeps and deletes over REST).
/// </summary>
public sealed class AnalysisCacheSweepTests
{
    private static readonly string Orphan = BeatAnalysisCache.Key(new string('0', 64));
    private static readonly string Newer = BeatAnalysisCache.Key(new string('1', 64));

    private static async Task<(ClusterFixture Cluster, HookedBlobStore Hooks)> StartAsync()
    {
        HookedBlobStore? hooks = null;
        var cluster = ClusterFixture.WithStore(
            inner => hooks = new HookedBlobStore(inner, BeatAnalysisCache.Prefix),
            silo => silo.Services.Configure<AnalysisSweepOptions>(o => o.RetrySeconds = 0.05));
        await cluster.InitializeAsync();
        return (cluster, hooks!);
    }

    private static async Task WriteAsync(IBlobStore store, string key)
    {
        using var json = new MemoryStream("{}"u8.ToArray());
        await store.WriteAsync(key, json);
    }

    private static async Task<AnalysisSweepStatus> SweepAsync(ClusterFixture cluster)
    {
        var sweeper = cluster.Client.GetGrain<IAnalysisCacheSweepGrain>(IAnalysisCacheSweepGrain.Key);
        await sweeper.RequestAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        AnalysisSweepStatus status;
        while ((status = await sweeper.GetStatusAsync()) is { Running: true } or { Completed: 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"no sweep finished within 60 s ({status})");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return status;
    }

    private static async Task<bool> ExistsAsync(IBlobStore store, string key) => await store.GetPropertiesAsync(key) is not null;

    [Fact]
    public async Task An_entry_written_after_the_sweep_began_is_kept_and_an_older_orphan_is_deleted()
    {
        var (cluster, hooks) = await StartAsync();
        await using var _ = cluster;
        await WriteAsync(cluster.Store, Orphan);
        // The store's clock may count whole seconds: the orphan must be older than the sweep's marker.
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);

        // Written once the sweep has marked its start and read the live set, just before it lists the cache: an upload's
        // fresh analysis of content no dataset lists yet.
        hooks.BeforeListing = async () =>
        {
            hooks.BeforeListing = null;
            await WriteAsync(cluster.Store, Newer);
        };
        var status = await SweepAsync(cluster);

        Assert.False(await ExistsAsync(cluster.Store, Orphan));
        Assert.True(await ExistsAsync(cluster.Store, Newer));
        Assert.Equal((1, 1, 1, 0), (status.Completed, status.Kept, status.Deleted, status.Failed));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("delete")]
    public async Task A_store_failure_does_not_lose_the_request_the_sweep_is_retried_and_finishes(string failing)
    {
        var (cluster, hooks) = await StartAsync();
        await using var _ = cluster;
        await WriteAsync(cluster.Store, Orphan);
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        if (failing == "list")
        {
            hooks.FailListings(2);
        }
        else
        {
            hooks.FailDeletes(2);
        }

        var status = await SweepAsync(cluster);

        Assert.Equal(2, status.Failed);
        Assert.Equal((1, 1), (status.Completed, status.Deleted));
        Assert.False(await ExistsAsync(cluster.Store, Orphan));
    }
}
