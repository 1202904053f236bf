using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Win32.SafeHandles;

namespace AudioMix.Storage;

/// <summary>
/// The metadata the filesystem store appends after a blob's content, so content and metadata are committed by one
/// atomic rename (a sidecar file would need a second rename, and a crash between the two would pair new content
/// with an old ETag). Keeping the content at offset 0 leaves the file usable by ordinary tools (a WAV blob still
/// plays: RIFF readers stop at the chunk sizes).
/// </summary>
/// <remarks>
/// Layout: <c>[content][trailer JSON, UTF-8][int32 LE: JSON length][8-byte magic "AMBLOB01"]</c>.
/// </remarks>
internal static class BlobTrailer
{
    private const int FooterSize = sizeof(int) + 8;
    private const int MaxJsonLength = 64 * 1024;
    private static readonly byte[] s_magic = "AMBLOB01"u8.ToArray();

    public static async Task WriteAsync(Stream destination, BlobProperties properties, CancellationToken cancellationToken)
    {
        var model = new TrailerModel(properties.ETag, properties.Length, properties.LastModified, properties.ContentType, properties.Metadata);
        var json = JsonSerializer.SerializeToUtf8Bytes(model, TrailerJsonContext.Default.TrailerModel);
        var footer = new byte[FooterSize];
        BinaryPrimitives.WriteInt32LittleEndian(footer, json.Length);
        s_magic.CopyTo(footer, sizeof(int));
        await destination.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(footer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the trailer of an open blob file.</summary>
    /// <exception cref="InvalidDataException">The file is not a blob written by this store.</exception>
    public static async Task<BlobProperties> ReadAsync(SafeFileHandle handle, string key, string path, CancellationToken cancellationToken)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < FooterSize)
        {
            throw NotABlob(path, "too short for a trailer");
        }

        var footer = new byte[FooterSize];
        await ReadExactlyAsync(handle, footer, fileLength - FooterSize, cancellationToken).ConfigureAwait(false);
        if (!footer.AsSpan(sizeof(int)).SequenceEqual(s_magic))
        {
            throw NotABlob(path, "no trailer magic");
        }

        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(footer);
        if (jsonLength <= 0 || jsonLength > MaxJsonLength || jsonLength > fileLength - FooterSize)
        {
            throw NotABlob(path, $"trailer length {jsonLength} out of range");
        }

        var json = new byte[jsonLength];
        var contentLength = fileLength - FooterSize - jsonLength;
        await ReadExactlyAsync(handle, json, contentLength, cancellationToken).ConfigureAwait(false);
        TrailerModel? model;
        try
        {
            model = JsonSerializer.Deserialize(json, TrailerJsonContext.Default.TrailerModel);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a blob of this store: unreadable trailer ({e.Message}).", e);
        }

        if (model is null || model.ETag is null || model.Length != contentLength)
        {
            throw NotABlob(path, $"trailer records {model?.Length} content bytes but the file holds {contentLength}");
        }

        return new BlobProperties(
            key,
            contentLength,
            model.ETag,
            model.LastModified,
            model.ContentType ?? BlobWriteOptions.DefaultContentType,
            model.Metadata ?? new Dictionary<string, string>());
    }

    private static async Task ReadExactlyAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The blob file ended early.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    private static InvalidDataException NotABlob(string path, string why) =>
        new($"'{path}' is not a blob of this store ({why}); was it copied in by hand or truncated?");

    internal sealed record TrailerModel(
        string ETag,
        long Length,
        DateTimeOffset LastModified,
        string? ContentType,
        IReadOnlyDictionary<string, string>? Metadata);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BlobTrailer.TrailerModel))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TrailerJsonContext : JsonSerializerContext;
