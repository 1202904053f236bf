using AudioMix.Abstractions.Datasets;
using AudioMix.Platform.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace AudioMix.Platform.Tests;

/// <summary>Two standalone silos and a client forming one cluster through Redis membership, over one shared blob store.</summary>
public sealed class RedisClusterTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("audiomix-redis-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Two_silos_join_through_redis_share_grain_state_and_survive_one_leaving()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = "redis-" + Guid.NewGuid().ToString("N")[..8];
        int port1 = TestPaths.FreePort(), port2 = TestPaths.FreePort();
        using var silo1 = await SiloHosts.StartSiloAsync(SiloHosts.SiloSettings(_data, port1, TestPaths.FreePort(), cluster, redis.ConnectionString), ct);
        using var silo2 = await SiloHosts.StartSiloAsync(SiloHosts.SiloSettings(_data, port2, TestPaths.FreePort(), cluster, redis.ConnectionString), ct);
        using var client = await SiloHosts.StartClientAsync(c =>
        {
            c.Cluster(cluster);
            c.UseRedisClustering(redis.ConnectionString);
        }, ct);

        var management = client.Client().GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        // Each grain created once, on whichever silo placement picks.
        var ids = Enumerable.Range(0, 24).Select(i => $"ds{i:D2}").ToArray();
        foreach (var id in ids)
        {
            await client.Client().GetGrain<IDatasetGrain>(id).CreateAsync(id, DatasetKind.Sound);
        }

        var perSilo = (await management.GetDetailedGrainStatistics())
            .Where(s => ids.Contains(s.GrainId.Key.ToString()))
            .GroupBy(s => s.SiloAddress.Endpoint.Port).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ids.Length, perSilo.Values.Sum());

        // The silo holding most of them leaves; its grains re-activate on the other from the shared store.
        var busiest = perSilo.MaxBy(kv => kv.Value).Key;
        Assert.Contains(busiest, new[] { port1, port2 });
        var (leaving, staying) = busiest == port1 ? (silo1, silo2) : (silo2, silo1);
        await leaving.StopAsync(ct);
        foreach (var id in ids)
        {
            var summary = await client.Client().GetGrain<IDatasetGrain>(id).GetAsync();
            Assert.Equal(id, summary!.Name);
        }

        Assert.Single(await management.GetHosts(onlyActive: true));
        await client.StopAsync(ct);
        await staying.StopAsync(ct);
    }
}
