namespace AudioMix.Storage;

/// <summary>The properties of one version of a blob.</summary>
/// <param name="Key">The blob key.</param>
/// <param name="Length">The content length in bytes.</param>
/// <param name="ETag">The version's opaque quoted entity tag; it changes on every successful write.</param>
/// <param name="LastModified">When this version was written (UTC; Azure keeps whole seconds).</param>
/// <param name="ContentType">The media type; <see cref="BlobWriteOptions.DefaultContentType"/> when none was given.</param>
/// <param name="Metadata">The small string metadata written with this version (never null; may be empty).</param>
public sealed record BlobProperties(
    string Key,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata);
