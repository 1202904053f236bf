using AudioMix.Storage;
using AudioMix.Storage.Tests.Infrastructure;
using AudioMix.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Web.Tests;

/// <summary>Deleting jobs and datasets, and renaming datasets, on one store (the derived classes pick it).</summary>
public abstract class DeletionTests(PlatformFactory factory) : IAsyncLifetime
{
    public ValueTask InitializeAsync()
    {
        factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        factory.DeleteData();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Deleting_a_job_cancels_it_if_running_and_leaves_nothing_of_it()
    {
        using var client = factory.CreateClient();
        await DeletionScenario.JobsAsync(client, factory.Services.GetRequiredService<IBlobStore>(), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Datasets_are_renamed_refused_while_in_use_and_deleted_keeping_finished_outputs()
    {
        using var client = factory.CreateClient();
        await DeletionScenario.DatasetsAsync(client, factory.Services.GetRequiredService<IBlobStore>(), factory.Services.GetRequiredService<IGrainFactory>(), TestContext.Current.CancellationToken);
    }
}

/// <summary>On the filesystem store.</summary>
public sealed class FileSystemDeletionTests() : DeletionTests(new PlatformFactory());

/// <summary>On Azure Blob storage (Azurite), in its own container.</summary>
public sealed class AzureBlobDeletionTests(AzuriteFixture azurite) : DeletionTests(PlatformFactory.OnAzureBlob(azurite, "delete"));
