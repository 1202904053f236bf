using AudioMix.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Web.Tests.Infrastructure;

/// <summary>A test class with its own platform (web host + co-hosted silo, filesystem store unless given another), started and disposed with the class.</summary>
public abstract class PlatformTest(PlatformFactory? factory = null) : IAsyncLifetime
{
    /// <summary>The platform under test.</summary>
    protected PlatformFactory Factory { get; } = factory ?? new PlatformFactory();

    /// <summary>The platform's blob store.</summary>
    protected IBlobStore Store => Factory.Services.GetRequiredService<IBlobStore>();

    public ValueTask InitializeAsync()
    {
        Factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Factory.DeleteData();
        GC.SuppressFinalize(this);
    }

    /// <summary>Every blob key under <paramref name="prefix"/>, sorted.</summary>
    public static async Task<List<string>> KeysAsync(IBlobStore store, string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var blob in store.ListAsync(prefix, ct))
        {
            keys.Add(blob.Key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
