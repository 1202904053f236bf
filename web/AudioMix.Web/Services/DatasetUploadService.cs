using System.Formats.Tar;
using System.IO.Compression;
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

    // Items per AddItems call: bounded messages, and each call rewrites at most a few pages.
    private const int CommitBatch = 1000;

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
        var analyses = new AnalysisQueue(accepted, rejected);
        Dictionary<string, ItemAnnotations>? metadata = null;
        MultipartSection? section;
        try
        {
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
                        Merge(ref metadata, DatasetMetadata.Parse(fileName, await ReadTextAsync(section.Body, cancellationToken)));
                    }
                    catch (FormatException ex)
                    {
                        rejected.Add(new UploadRejection(fileName, ex.Message));
                    }

                    continue;
                }

                if (ArchiveEntries.KindOf(fileName) is { } archiveKind)
                {
                    var archiveMetadata = await ExpandArchiveAsync(datasetId, fileName, archiveKind, section.Body, analyses, rejected, cancellationToken);
                    Merge(ref metadata, archiveMetadata);
                    continue;
                }

                await analyses.AddAsync(await StoreAudioAsync(datasetId, fileName, section.Body, cancellationToken));
            }
        }
        catch (ArchiveLimitException)
        {
            // An archive over a limit refuses the whole upload (413): nothing of it is kept, so remove what was stored.
            await analyses.DrainAsync();
            foreach (var item in accepted)
            {
                await store.DeleteAsync(item.BlobKey, cancellationToken: CancellationToken.None);
            }

            throw;
        }

        await analyses.DrainAsync();
        return await CommitAsync(datasetId, dataset, accepted, rejected, metadata);
    }

    /// <summary>
    /// Expands a <c>.zip</c>, <c>.tar.gz</c> or <c>.tgz</c> part: every audio entry becomes an item named by its
    /// relative path; <c>metadata.jsonl</c>/<c>metadata.csv</c> anywhere inside annotate the files of their folder.
    /// Entries that escape the archive (<c>..</c>, absolute paths) and non-audio entries are refused by name;
    /// hidden files (<c>__MACOSX/</c>, <c>.DS_Store</c>, dot files) are skipped silently. Nothing is held in memory
    /// whole: a zip (which must be read from its end) is spooled to a temporary file bounded by the upload limit,
    /// a tar.gz is decompressed and read sequentially. The archive's entry count and expanded size are checked
    /// while it streams (<see cref="ArchiveReader"/>); over either, <see cref="ArchiveLimitException"/> propagates
    /// and the caller removes what the archive had stored.
    /// </summary>
    /// <returns>The archive's annotations keyed by archive-relative path (applied when the upload is committed).</returns>
    public async Task<Dictionary<string, ItemAnnotations>> ExpandArchiveAsync(
        string datasetId, string archiveName, ArchiveKind kind, Stream content, AnalysisQueue analyses, List<UploadRejection> rejected, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, ItemAnnotations>(StringComparer.Ordinal);
        var limit = options.Value.MaxUploadBytes;
        var limits = new ArchiveLimits(options.Value.MaxArchiveExpandedBytes, options.Value.MaxArchiveEntries);
        try
        {
            if (kind == ArchiveKind.Zip)
            {
                var temp = Path.Combine(Path.GetTempPath(), $"audiomix-upload-{Guid.NewGuid():N}.zip");
                await using var spool = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await using (var bounded = new HashingReadStream(content, limit, archiveName))
                {
                    await bounded.CopyToAsync(spool, cancellationToken);
                }

                spool.Position = 0;
                await ArchiveReader.ReadZipAsync(archiveName, spool, limits, AddEntryAsync, cancellationToken);
            }
            else
            {
                await using var bounded = new HashingReadStream(content, limit, archiveName);
                await ArchiveReader.ReadTarGzAsync(archiveName, bounded, limits, AddEntryAsync, cancellationToken);
            }
        }
        catch (UploadTooLargeException ex)
        {
            rejected.Add(new UploadRejection(archiveName, ex.Message));
        }
        catch (Exception ex) when (IsDamagedArchive(ex))
        {
            // A broken archive: what was read before the damage stays, the archive itself is reported.
            rejected.Add(new UploadRejection(archiveName, $"{archiveName}: not a readable {ArchiveEntries.Describe(kind)} archive ({ex.Message})"));
        }

        return metadata;

        async Task AddEntryAsync(ArchiveEntry entry, Stream data)
        {
            if (entry.IsDirectory)
            {
                return;
            }

            var (entryKind, path) = ArchiveEntries.Classify(entry.Name);
            if (!entry.IsRegularFile)
            {
                if (entryKind is not ArchiveEntryKind.Hidden)
                {
                    rejected.Add(new UploadRejection(entry.Name, $"{entry.Name} (in {archiveName}): only regular files are accepted, not {entry.Type}."));
                }

                return;
            }

            switch (entryKind)
            {
                case ArchiveEntryKind.Hidden:
                    return;
                case ArchiveEntryKind.Unsafe:
                    rejected.Add(new UploadRejection(path, $"{path} (in {archiveName}): the path is absolute or leaves the archive with '..'; entry refused."));
                    return;
                case ArchiveEntryKind.Metadata:
                    try
                    {
                        var folder = path.Contains('/', StringComparison.Ordinal) ? path[..(path.LastIndexOf('/') + 1)] : string.Empty;
                        foreach (var (name, note) in DatasetMetadata.Parse(path, await ReadTextAsync(data, cancellationToken)))
                        {
                            metadata[folder + name] = note;
                        }
                    }
                    catch (FormatException ex)
                    {
                        rejected.Add(new UploadRejection(path, $"{path} (in {archiveName}): {ex.Message}"));
                    }

                    return;
                case ArchiveEntryKind.Audio:
                    await analyses.AddAsync(await StoreAudioAsync(datasetId, path, data, cancellationToken));
                    return;
                default:
                    rejected.Add(new UploadRejection(path, $"{path} (in {archiveName}): not an audio file (accepted: {ArchiveEntries.AudioExtensionList}); entry refused."));
                    return;
            }
        }
    }

    /// <summary>
    /// The exceptions that mean an archive is damaged (reported by name, what was read before the damage kept); anything
    /// else escaping the archive readers is a bug (the fuzzing harness holds them to this).
    /// </summary>
    public static bool IsDamagedArchive(Exception ex) => ex is InvalidDataException or FormatException or EndOfStreamException;

    private static void Merge(ref Dictionary<string, ItemAnnotations>? into, Dictionary<string, ItemAnnotations> from)
    {
        into ??= new Dictionary<string, ItemAnnotations>(StringComparer.Ordinal);
        foreach (var (k, v) in from)
        {
            into[k] = v;
        }
    }

    /// <summary>
    /// Stores one audio file. The returned task completes once the content stream is consumed (so the
    /// next part of the request can be read); the task inside it completes with the analysed item, or
    /// why it was refused (its blob removed). Analysis of one file thus overlaps storing the next.
    /// </summary>
    public async Task<Task<(DatasetItem? Item, UploadRejection? Rejection)>> StoreAudioAsync(string datasetId, string fileName, Stream content, CancellationToken cancellationToken)
    {
        // The blob is named by a random token: the item's id is only known at commit, when the dataset mints it.
        var token = Guid.NewGuid().ToString("N")[..16];
        var key = $"datasets/{datasetId}/items/{token}{SafeExtension(fileName)}";
        await using var hashing = new HashingReadStream(content, options.Value.MaxUploadBytes, fileName);
        BlobProperties stored;
        try
        {
            stored = await store.WriteAsync(key, hashing, new BlobWriteOptions { ContentType = AudioContentTypes.ForFileName(fileName) }, cancellationToken);
        }
        catch (UploadTooLargeException ex)
        {
            return Task.FromResult<(DatasetItem?, UploadRejection?)>((null, new UploadRejection(fileName, ex.Message)));
        }

        return AnalyzeAsync(token, fileName, key, hashing.HashHex(), stored.Length);
    }

    private async Task<(DatasetItem? Item, UploadRejection? Rejection)> AnalyzeAsync(string provisionalId, string fileName, string key, string hash, long length)
    {
        var outcome = await grains.GetGrain<IAudioAnalysisGrain>(hash).GetOrAnalyzeAsync(key, fileName);
        if (outcome.Analysis is not { } a)
        {
            await store.DeleteAsync(key, cancellationToken: CancellationToken.None);
            LogRejected(logger, fileName, outcome.Error);
            return (null, new UploadRejection(fileName, outcome.Error ?? $"{fileName}: not readable audio"));
        }

        var item = new DatasetItem(
            provisionalId, fileName, key, hash, a.Format, length, a.Duration, a.SampleRate, a.Channels,
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
                    accepted[i] = accepted[i] with { Labels = note.Labels, Caption = note.Caption, Text = note.Text, Metadata = note.Metadata };
                }
            }
        }

        // Ids minted by the dataset name the page their item lands on, so adding and finding them needs no index.
        var grain = grains.GetGrain<IDatasetGrain>(datasetId);
        var summary = dataset;
        for (var start = 0; start < accepted.Count; start += CommitBatch)
        {
            var count = Math.Min(CommitBatch, accepted.Count - start);
            var ids = await grain.NewItemIdsAsync(count);
            for (var i = 0; i < count; i++)
            {
                accepted[start + i] = accepted[start + i] with { ItemId = ids[i] };
            }

            summary = await grain.AddItemsAsync(accepted.GetRange(start, count));
        }

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

/// <summary>The archive formats an upload may carry.</summary>
internal enum ArchiveKind
{
    Zip,
    TarGz,
}

/// <summary>How an archive entry is treated.</summary>
internal enum ArchiveEntryKind
{
    Audio,
    Metadata,
    Hidden,
    Unsafe,
    Other,
}

/// <summary>Names inside uploaded archives: which are audio, metadata, hidden or unsafe.</summary>
internal static class ArchiveEntries
{
    private static readonly string[] AudioExtensions = [".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".aif", ".aiff"];

    public static string AudioExtensionList { get; } = string.Join(", ", AudioExtensions);

    public static ArchiveKind? KindOf(string fileName) =>
        fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? ArchiveKind.Zip
        : fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? ArchiveKind.TarGz
        : null;

    public static string Describe(ArchiveKind kind) => kind == ArchiveKind.Zip ? "zip" : "tar.gz";

    /// <summary>
    /// Normalises an entry name to a relative '/'-separated path (dropping '.' segments) and classifies it.
    /// Absolute paths (leading '/', a drive letter) and any '..' segment are unsafe — the zip-slip class
    /// of path traversal — and never become keys or names.
    /// </summary>
    public static (ArchiveEntryKind Kind, string Path) Classify(string rawName)
    {
        var name = rawName.Replace('\\', '/');
        var absolute = name.StartsWith('/') || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':');
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        var path = string.Join('/', segments);
        if (absolute || segments.Contains("..", StringComparer.Ordinal))
        {
            return (ArchiveEntryKind.Unsafe, name);
        }

        if (segments.Length == 0 || segments.Any(s => s.StartsWith('.') || s.Equals("__MACOSX", StringComparison.OrdinalIgnoreCase)))
        {
            return (ArchiveEntryKind.Hidden, path);
        }

        if (DatasetMetadata.IsMetadataFile(path))
        {
            return (ArchiveEntryKind.Metadata, path);
        }

        var ext = System.IO.Path.GetExtension(path);
        return (AudioExtensions.Contains(ext, StringComparer.OrdinalIgnoreCase) ? ArchiveEntryKind.Audio : ArchiveEntryKind.Other, path);
    }
}

/// <summary>Reads exactly <paramref name="length"/> bytes from <paramref name="inner"/>; ending early is an <see cref="InvalidDataException"/>.</summary>
internal sealed class ExactLengthReadStream(Stream inner, long length, string name) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(inner.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await inner.ReadAsync(buffer, cancellationToken), buffer.Length);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(int n, int requested)
    {
        _read += n;
        if (n == 0 && requested > 0 && _read < length)
        {
            throw new InvalidDataException($"{name} ends after {_read} of its {length} bytes: the archive is truncated");
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Analyses running while the upload goes on, at most a few at once; results are recorded in the
/// order the files arrived, so the answer lists them as uploaded.
/// </summary>
internal sealed class AnalysisQueue(List<DatasetItem> accepted, List<UploadRejection> rejected)
{
    private static readonly int MaxInFlight = Math.Max(2, Environment.ProcessorCount * 2);
    private readonly Queue<Task<(DatasetItem? Item, UploadRejection? Rejection)>> _pending = new();

    public async Task AddAsync(Task<(DatasetItem? Item, UploadRejection? Rejection)> analysis)
    {
        _pending.Enqueue(analysis);
        while (_pending.Count > MaxInFlight)
        {
            await RecordOldestAsync();
        }
    }

    public async Task DrainAsync()
    {
        while (_pending.Count > 0)
        {
            await RecordOldestAsync();
        }
    }

    private async Task RecordOldestAsync()
    {
        var (item, rejection) = await _pending.Dequeue();
        if (item is not null)
        {
            accepted.Add(item);
        }
        else
        {
            rejected.Add(rejection!);
        }
    }
}
