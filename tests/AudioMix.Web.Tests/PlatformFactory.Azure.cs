using AudioMix.Storage.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

// Kept apart from PlatformFactory.cs, which the UI test project links without the storage test fixtures.
public sealed partial class PlatformFactory
{
    /// <summary>A host on Azure Blob storage (Azurite) in a fresh container named after <paramref name="containerPrefix"/>.</summary>
    public static PlatformFactory OnAzureBlob(AzuriteFixture azurite, string containerPrefix) => new(settings: new Dictionary<string, string?>
    {
        ["AudioMix:Storage:Provider"] = "AzureBlob",
        ["AudioMix:Storage:ConnectionString"] = azurite.ConnectionString,
        ["AudioMix:Storage:Container"] = AzuriteFixture.NewContainerName(containerPrefix),
    });
}
