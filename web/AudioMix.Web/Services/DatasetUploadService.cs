using System.Text;
using AudioMix.Abstractions.Datasets;
using AudioMix.Storage;
using AudioMix.Web.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AudioMix.Web.Services;

/// <summary>Why one uploaded file was not added.</summary>
internal sealed record UploadRejection(string FileName, string Error);

/// <summary>What an upload did: items added, files refused (with reasons), and the dataset afterwards.</summary>
internal sealed record UploadResult(IReadOnlyList<DatasetItem> Accepted, IReadOnlyList<UploadRejection> Rejected, DatasetSummary Dataset);

/// <summary>
/// Streams uploaded audio into blob storage, fingerprints and analyses each file, and adds the good
/// ones to the dataset. A bad file is refused with a message naming it; the rest of the upload stays.
/// </summary>
internal sealed partial class DatasetUploadService(IBlobStore store, IGrainFactory grains, IOptions<AudioMixWebOptions> options, ILogger<DatasetUploadService> logger)
{
    private const int MaxMetadataBytes = 64 * 1024 * 1024;

    /// <summary>Reads a multipart body part by part (never buffering a whole file) and stores every file part.</summary>
    public async Task<UploadResult> UploadMultipartAsync(string datasetId, string contentType, Stream body, CancellationToken cancellationToken)
    {
        var dataset = await RequireDatasetAsync(datasetId);
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new ArgumentException("The multipart body has no boundary.");
        }

        var reader = new MultipartReader(boundary, body);
        var accepted = new List<DatasetItem>();
        var rejected = new List<UploadRejection>();
        Dictionary<string, ItemAnnotations>? metadata = null;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }

            var fileName = DatasetMetadata.NormalizeName(Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "upload"));
            if (DatasetMetadata.IsMetadataFile(fileName))
            {
                try
                {
                    metadata = DatasetMetadata.Parse(fileName, await ReadTextAsync(section.Body, cancellationToken));
                }
                catch (FormatException ex)
                {
                    rejected.Add(new UploadRejection(fileName, ex.Message));
                }

                continue;
            }

            var (item, rejection) = await StoreAudioAsync(datasetId, fileName, section.Body, cancellationToken);
            if (item is not null)
            {
                accepted.Add(item);
            }
            else
            {
                rejected.Add(rejection!);
            }
        }

        return await CommitAsync(datasetId, dataset, accepted, rejected, metadata);
    }

    /// <summary>Stores one audio file; returns the analysed item, or why it was refused (its blob removed).</summary>
    public async Task<(DatasetItem? Item, UploadRejection? Rejection)> StoreAudioAsync(string datasetId, string fileName, Stream content, CancellationToken cancellationToken)
    {
        var itemId = Guid.NewGuid().ToString("N")[..16];
        var key = $"datasets/{datasetId}/items/{itemId}{SafeExtension(fileName)}";
        await using var hashing = new HashingReadStream(content, options.Value.MaxUploadBytes, fileName);
        BlobProperties stored;
        try
        {
            stored = await store.WriteAsync(key, hashing, new BlobWriteOptions { ContentType = AudioContentTypes.ForFileName(fileName) }, cancellationToken);
        }
        catch (UploadTooLargeException ex)
        {
            return (null, new UploadRejection(fileName, ex.Message));
        }

        var hash = hashing.HashHex();
        var outcome = await grains.GetGrain<IAudioAnalysisGrain>(hash).GetOrAnalyzeAsync(key, fileName);
        if (outcome.Analysis is not { } a)
        {
            await store.DeleteAsync(key, cancellationToken: CancellationToken.None);
            LogRejected(logger, fileName, outcome.Error);
            return (null, new UploadRejection(fileName, outcome.Error ?? $"{fileName}: not readable audio"));
        }

        var item = new DatasetItem(
            itemId, fileName, key, hash, a.Format, stored.Length, a.Duration, a.SampleRate, a.Channels,
            a.IntegratedLufs, a.SamplePeakDbfs, [], null, null);
        return (item, null);
    }

    /// <summary>Applies audiofolder annotations to the accepted items and adds them to the dataset.</summary>
    public async Task<UploadResult> CommitAsync(
        string datasetId, DatasetSummary dataset, List<DatasetItem> accepted, List<UploadRejection> rejected, Dictionary<string, ItemAnnotations>? metadata)
    {
        if (metadata is not null)
        {
            for (var i = 0; i < accepted.Count; i++)
            {
                if (metadata.TryGetValue(accepted[i].FileName, out var note) || metadata.TryGetValue(Path.GetFileName(accepted[i].FileName), out note))
                {
                    accepted[i] = accepted[i] with { Labels = note.Labels, Caption = note.Caption, Text = note.Text };
                }
            }
        }

        var summary = accepted.Count > 0 ? await grains.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(accepted) : dataset;
        return new UploadResult(accepted, rejected, summary);
    }

    public async Task<DatasetSummary> RequireDatasetAsync(string datasetId) =>
        await grains.GetGrain<IDatasetGrain>(datasetId).GetAsync() ?? throw new KeyNotFoundException($"Dataset {datasetId} does not exist.");

    public static async Task<string> ReadTextAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var limited = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (limited.Length + n > MaxMetadataBytes)
            {
                throw new FormatException($"metadata file is larger than {MaxMetadataBytes} bytes.");
            }

            limited.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(limited.GetBuffer(), 0, (int)limited.Length);
    }

    private static string SafeExtension(string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        return ext.Length is > 1 and <= 6 && ext[1..].All(char.IsAsciiLetterOrDigit) ? ext : ".bin";
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Upload of {FileName} refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string fileName, string? reason);
}

/// <summary>MIME types of the audio formats AudioMix accepts.</summary>
internal static class AudioContentTypes
{
    public static string ForFileName(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".flac" => "audio/flac",
        ".ogg" or ".opus" => "audio/ogg",
        ".m4a" or ".mp4" or ".aac" => "audio/mp4",
        _ => "application/octet-stream",
    };
}
