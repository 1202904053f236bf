namespace AudioMix.Storage;

/// <summary>Options for <see cref="IBlobStore.WriteAsync"/>.</summary>
public sealed record BlobWriteOptions
{
    /// <summary>The content type stored when none is given.</summary>
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>The media type to store (e.g. <c>audio/wav</c>); <see langword="null"/> stores <see cref="DefaultContentType"/>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The precondition; <see langword="null"/> means <see cref="BlobCondition.None"/>.</summary>
    public BlobCondition? Condition { get; init; }

    /// <summary>
    /// Optional small metadata, portable across backends: names are 1–64 characters of lowercase ASCII letters,
    /// digits and '_' starting with a letter (Azure metadata names must be C# identifiers and are case-insensitive);
    /// values are printable ASCII (HTTP header values) up to 1024 characters; at most 8 KiB in total
    /// (the Azure limit).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
