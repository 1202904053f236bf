using System.Formats.Tar;
using System.IO.Compression;

namespace AudioMix.Web.Services;

/// <summary>How much one uploaded archive may expand to: its entries' total size and their number.</summary>
/// <param name="MaxExpandedBytes">Largest total of the entries' uncompressed sizes (<c>AudioMix:Web:MaxArchiveExpandedBytes</c>).</param>
/// <param name="MaxEntries">Most entries, directories and skipped ones included (<c>AudioMix:Web:MaxArchiveEntries</c>).</param>
internal sealed record ArchiveLimits(long MaxExpandedBytes, int MaxEntries);

/// <summary>An archive went over one of its <see cref="ArchiveLimits"/>; the whole archive is refused (HTTP 413).</summary>
internal sealed class ArchiveLimitException(string setting, string message) : Exception(message)
{
    /// <summary>The configuration key of the limit that was exceeded.</summary>
    public string Setting { get; } = setting;
}

/// <summary>One entry of an archive as the reader hands it over.</summary>
/// <param name="Name">The raw entry name (not yet normalised or checked: see <see cref="ArchiveEntries.Classify"/>).</param>
/// <param name="IsDirectory">A directory entry (carries no data).</param>
/// <param name="IsRegularFile">A regular file; links, devices and the like are not.</param>
/// <param name="Type">The entry's type as the archive names it, for messages about non-regular entries.</param>
internal sealed record ArchiveEntry(string Name, bool IsDirectory, bool IsRegularFile, string Type);

/// <summary>
/// Reads the entries of an uploaded zip or tar.gz one at a time, enforcing <see cref="ArchiveLimits"/> as it goes:
/// the entry count and each entry's declared size are checked before the entry's data is handed over, and the bytes
/// actually expanded are counted while they stream (headers can lie), so an archive over a limit stops at the entry
/// that crosses it — never after everything has been written out.
/// </summary>
internal static class ArchiveReader
{
    /// <summary>Reads a zip from a seekable stream (a zip is read from its central directory at the end).</summary>
    /// <exception cref="ArchiveLimitException">The archive has too many entries or expands beyond the limit.</exception>
    /// <exception cref="InvalidDataException">The archive is damaged.</exception>
    public static async Task ReadZipAsync(
        string archiveName, Stream seekable, ArchiveLimits limits, Func<ArchiveEntry, Stream, Task> onEntry, CancellationToken cancellationToken)
    {
        await using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries;
        var budget = new ExpansionBudget(archiveName, limits);

        // The central directory lists every entry with its size up front: refuse before expanding anything.
        budget.CountEntries(entries.Count);
        budget.CheckDeclared(entries.Sum(e => e.Length));
        foreach (var entry in entries)
        {
            var isDirectory = entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\');
            if (isDirectory)
            {
                await onEntry(new ArchiveEntry(entry.FullName, true, false, "Directory"), Stream.Null);
                continue;
            }

            await using var data = await entry.OpenAsync(cancellationToken);
            await using var counted = new CountingReadStream(data, budget.Add);
            await onEntry(new ArchiveEntry(entry.FullName, false, true, "RegularFile"), counted);
        }
    }

    /// <summary>Reads a gzip-compressed tar sequentially (nothing is held whole in memory or on disk).</summary>
    /// <exception cref="ArchiveLimitException">The archive has too many entries or expands beyond the limit.</exception>
    /// <exception cref="InvalidDataException">The archive is damaged.</exception>
    public static async Task ReadTarGzAsync(
        string archiveName, Stream compressed, ArchiveLimits limits, Func<ArchiveEntry, Stream, Task> onEntry, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        var budget = new ExpansionBudget(archiveName, limits);
        while (await NextAsync(tar, archiveName, cancellationToken) is { } entry)
        {
            budget.CountEntries(1);
            if (entry.EntryType is TarEntryType.Directory)
            {
                await onEntry(new ArchiveEntry(entry.Name, true, false, "Directory"), Stream.Null);
                continue;
            }

            var regular = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
            if (!regular)
            {
                await onEntry(new ArchiveEntry(entry.Name, false, false, entry.EntryType.ToString()), Stream.Null);
                continue;
            }

            // The header declares the size: refuse before the data is read when it cannot fit.
            budget.CheckDeclared(budget.Expanded + entry.Length);

            // A damaged archive can end inside an entry: never let a partial file pass for a whole one.
            await using var exact = new ExactLengthReadStream(entry.DataStream ?? Stream.Null, entry.Length, entry.Name);
            await using var counted = new CountingReadStream(exact, budget.Add);
            await onEntry(new ArchiveEntry(entry.Name, false, true, entry.EntryType.ToString()), counted);
        }
    }

    /// <summary>
    /// The next tar entry. <see cref="TarReader"/> reports some malformed headers (bad numeric fields, bad checksums) as
    /// <see cref="ArgumentException"/>/<see cref="FormatException"/>/<see cref="OverflowException"/> rather than
    /// <see cref="InvalidDataException"/>; they all mean the same thing here: the archive is damaged.
    /// </summary>
    private static async Task<TarEntry?> NextAsync(TarReader tar, string archiveName, CancellationToken cancellationToken)
    {
        try
        {
            return await tar.GetNextEntryAsync(copyData: false, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{archiveName}: malformed tar header ({ex.Message})", ex);
        }
    }

    /// <summary>Counts entries and expanded bytes of one archive against its limits.</summary>
    private sealed class ExpansionBudget(string archiveName, ArchiveLimits limits)
    {
        private int _entries;

        public long Expanded { get; private set; }

        public void CountEntries(int count)
        {
            _entries += count;
            if (_entries > limits.MaxEntries)
            {
                throw new ArchiveLimitException(
                    "AudioMix:Web:MaxArchiveEntries",
                    $"{archiveName} has more than {limits.MaxEntries} entries (AudioMix:Web:MaxArchiveEntries); archive refused, nothing of it stored.");
            }
        }

        public void CheckDeclared(long total)
        {
            if (total > limits.MaxExpandedBytes)
            {
                throw TooLarge();
            }
        }

        public void Add(int bytes)
        {
            Expanded += bytes;
            if (Expanded > limits.MaxExpandedBytes)
            {
                throw TooLarge();
            }
        }

        private ArchiveLimitException TooLarge() => new(
            "AudioMix:Web:MaxArchiveExpandedBytes",
            $"{archiveName} expands to more than {limits.MaxExpandedBytes} bytes (AudioMix:Web:MaxArchiveExpandedBytes); archive refused, nothing of it stored.");
    }
}

/// <summary>Passes reads through to <paramref name="inner"/>, reporting each read's byte count to <paramref name="account"/> (which may throw to stop the stream).</summary>
internal sealed class CountingReadStream(Stream inner, Action<int> account) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        account(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        account(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
