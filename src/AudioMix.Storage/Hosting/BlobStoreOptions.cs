namespace AudioMix.Storage.Hosting;

/// <summary>The blob store backends.</summary>
public enum BlobStoreProvider
{
    /// <summary>A local data directory (<see cref="FileSystemBlobStore"/>); the embedded default.</summary>
    FileSystem,

    /// <summary>An Azure Blob Storage container, or Azurite (<see cref="AzureBlobStore"/>).</summary>
    AzureBlob,
}

/// <summary>
/// Chooses and configures the <see cref="IBlobStore"/>; bound from the <see cref="SectionName"/> configuration
/// section, e.g. <c>{ "Provider": "FileSystem", "RootPath": "data" }</c> or
/// <c>{ "Provider": "AzureBlob", "ConnectionString": "…", "Container": "audiomix" }</c>.
/// </summary>
public sealed class BlobStoreOptions
{
    /// <summary>The conventional configuration section.</summary>
    public const string SectionName = "AudioMix:Storage";

    /// <summary>The backend. Default <see cref="BlobStoreProvider.FileSystem"/>.</summary>
    public BlobStoreProvider Provider { get; set; } = BlobStoreProvider.FileSystem;

    /// <summary>The data directory of the filesystem backend (required for it; relative to the current directory).</summary>
    public string? RootPath { get; set; }

    /// <summary>The Azure Storage connection string (required for the Azure backend).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Azure container name. Default <c>audiomix</c>.</summary>
    public string Container { get; set; } = "audiomix";
}
