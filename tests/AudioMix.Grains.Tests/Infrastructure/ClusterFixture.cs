using AudioMix.Grains.Hosting;
using AudioMix.Storage;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AudioMix.Grains.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans cluster configured like the web host's co-hosted silo: a filesystem blob
/// store in a temp directory registered as <see cref="IBlobStore"/>, and <c>AddAudioMixGrains()</c>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public ClusterFixture()
        : this(Directory.CreateTempSubdirectory("audiomix-grains-").FullName, serviceId: null)
    {
    }

    private ClusterFixture(string dataDirectory, string? serviceId, short silos = 1, Action<ISiloBuilder>? configure = null)
    {
        DataDirectory = dataDirectory;
        Cluster = Build(dataDirectory, serviceId, silos, configure);
        Store = new FileSystemBlobStore(dataDirectory);
    }

    public string DataDirectory { get; }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>The same directory the silo's store uses, seen from the test.</summary>
    public IBlobStore Store { get; }

    public string ServiceId => Cluster.Options.ServiceId;

    /// <summary>A second cluster over the same data directory and service id (a restarted process).</summary>
    public static ClusterFixture Restart(string dataDirectory, string serviceId) => new(dataDirectory, serviceId);

    /// <summary>A cluster of <paramref name="silos"/> silos over a new data directory; <paramref name="configure"/> adjusts each silo.</summary>
    public static ClusterFixture WithSilos(short silos, Action<ISiloBuilder>? configure = null) =>
        new(Directory.CreateTempSubdirectory("audiomix-grains-").FullName, null, silos, configure);

    /// <summary>
    /// A one-silo cluster over a new data directory whose silo sees its store through <paramref name="wrap"/> (a test's
    /// decorator over the filesystem store; <see cref="Store"/> stays the undecorated view of the same directory).
    /// </summary>
    public static ClusterFixture WithStore(Func<IBlobStore, IBlobStore> wrap, Action<ISiloBuilder>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("audiomix-grains-").FullName;
        return new(directory, null, 1, silo =>
        {
            silo.Services.AddSingleton(wrap(new FileSystemBlobStore(directory)));
            configure?.Invoke(silo);
        });
    }

    public static InProcessTestCluster Build(string dataDirectory, string? serviceId, short silos = 1, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAudioMixBlobStore(o =>
            {
                o.Provider = BlobStoreProvider.FileSystem;
                o.RootPath = dataDirectory;
            });
            silo.AddAudioMixGrains();
            configure?.Invoke(silo);
        });
        return builder.Build();
    }

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    /// <summary>Whether disposing also deletes the data directory (off when a restarted cluster will reuse it).</summary>
    public bool DeleteDataOnDispose { get; set; } = true;

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (DeleteDataOnDispose)
        {
            DeleteData();
        }
    }

    public void DeleteData()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterGroup : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
