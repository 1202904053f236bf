using Orleans.Storage;

namespace AudioMix.Storage.GrainStorage;

/// <summary>Options of a <see cref="BlobGrainStorage"/> provider (named after the provider).</summary>
public sealed class BlobGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// The serializer for state records. Defaults (through <see cref="DefaultStorageProviderSerializerOptionsConfigurator{TOptions}"/>)
    /// to the silo's configured <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// When <see langword="true"/>, clearing state deletes its blob (the ETag becomes null); otherwise (the default,
    /// as in Orleans' Azure blob provider) an empty blob is written, so the ETag keeps guarding later writes.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>The first key segment of every state blob. Default <c>grainstate</c>.</summary>
    public string KeyPrefix { get; set; } = "grainstate";

    /// <summary>
    /// The content type stored on state blobs. When null (the default) it follows the serializer:
    /// <c>application/json</c> for Orleans' JSON serializers (the silo default is <see cref="JsonGrainStorageSerializer"/>),
    /// otherwise <c>application/octet-stream</c>.
    /// </summary>
    public string? ContentType { get; set; }
}
