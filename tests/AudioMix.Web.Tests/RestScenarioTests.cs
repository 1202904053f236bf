using AudioMix.Storage.Tests.Infrastructure;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>The REST scenario on the filesystem store.</summary>
public sealed class FileSystemRestScenarioTests : IAsyncLifetime
{
    private readonly PlatformFactory _factory = new();

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Datasets_uploads_archives_jobs_manifest_review_and_errors()
    {
        using var client = _factory.CreateClient();
        await RestScenario.RunAsync(client, TestContext.Current.CancellationToken);
    }
}

/// <summary>The same REST scenario with the platform on Azure Blob storage (Azurite), in its own container.</summary>
public sealed class AzureBlobRestScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private PlatformFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new PlatformFactory(settings: new Dictionary<string, string?>
        {
            ["AudioMix:Storage:Provider"] = "AzureBlob",
            ["AudioMix:Storage:ConnectionString"] = azurite.ConnectionString,
            ["AudioMix:Storage:Container"] = AzuriteFixture.NewContainerName("rest"),
        });
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Datasets_uploads_archives_jobs_manifest_review_and_errors()
    {
        using var client = _factory.CreateClient();
        await RestScenario.RunAsync(client, TestContext.Current.CancellationToken);
        // Nothing went to the local data directory: the platform really ran on blob storage.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_factory.DataDirectory));
    }
}
