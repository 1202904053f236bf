using AudioMix.Storage.Hosting;
using AudioMix.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AudioMix.Storage.Tests.GrainStorage;

[Alias("AudioMix.Storage.Tests.INoteGrain")]
public interface INoteGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task SetAsync(string text);

    [Alias("Get")]
    Task<NoteState> GetAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}

[GenerateSerializer]
[Alias("AudioMix.Storage.Tests.NoteState")]
public sealed record NoteState
{
    [Id(0)]
    public string Text { get; init; } = string.Empty;

    [Id(1)]
    public int Version { get; init; }
}

public sealed class NoteGrain([PersistentState("x", "blobs")] IPersistentState<NoteState> state) : Grain, INoteGrain
{
    public async Task SetAsync(string text)
    {
        state.State = new NoteState { Text = text, Version = state.State.Version + 1 };
        await state.WriteStateAsync();
    }

    public Task<NoteState> GetAsync() => Task.FromResult(state.State);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>[PersistentState]</c> on <c>AddBlobGrainStorage("blobs")</c> over the filesystem store in a real (in-process)
/// Orleans cluster: state survives deactivation and a full cluster restart on the same data directory.
/// </summary>
public sealed class PersistentStateClusterTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private InProcessTestCluster BuildCluster()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAudioMixBlobStore(o =>
            {
                o.Provider = BlobStoreProvider.FileSystem;
                o.RootPath = _root.Path;
            });
            silo.AddBlobGrainStorage("blobs");
        });
        return builder.Build();
    }

    [Fact]
    public async Task State_survives_deactivation_and_cluster_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = BuildCluster();
        await cluster.DeployAsync(ct);
        string serviceId;
        try
        {
            var grain = cluster.Client.GetGrain<INoteGrain>("note/1 ✓");
            await grain.SetAsync("first");
            await grain.SetAsync("second");
            await grain.DeactivateAsync();
            await Task.Delay(200, ct);

            Assert.Equal(new NoteState { Text = "second", Version = 2 }, await grain.GetAsync());
            serviceId = cluster.Options.ServiceId;
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        var store = new FileSystemBlobStore(_root.Path);
        var blob = Assert.Single(await store.ListAsync("grainstate/", ct).ToListAsync(ct));
        Assert.StartsWith($"grainstate/{BlobKey.EscapeSegment(serviceId)}/x/", blob.Key, StringComparison.Ordinal);
        Assert.EndsWith(".json", blob.Key, StringComparison.Ordinal);
        // The silo's default grain storage serializer is JSON.
        Assert.Equal("application/json", blob.ContentType);
        await using (var content = await store.OpenReadAsync(blob.Key, ct))
        {
            Assert.Contains("second", await new StreamReader(content).ReadToEndAsync(ct), StringComparison.Ordinal);
        }

        // A new cluster (new in-memory everything) over the same data directory and service id reads it back.
        var restarted = BuildClusterWithServiceId(serviceId);
        await restarted.DeployAsync(ct);
        try
        {
            var grain = restarted.Client.GetGrain<INoteGrain>("note/1 ✓");
            Assert.Equal(new NoteState { Text = "second", Version = 2 }, await grain.GetAsync());
            await grain.SetAsync("third");
            Assert.Equal(3, (await grain.GetAsync()).Version);
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    private InProcessTestCluster BuildClusterWithServiceId(string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAudioMixBlobStore(o => o.RootPath = _root.Path);
            silo.AddBlobGrainStorage("blobs");
        });
        return builder.Build();
    }
}
