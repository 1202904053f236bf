using System.Formats.Tar;
using AudioMix.Web.Services;

namespace AudioMix.Web.Tests;

/// <summary>The archive reader enforces its limits while it streams: the entry that crosses a limit is never handed over.</summary>
public sealed class ArchiveReaderTests
{
    private static readonly byte[] Entry = new byte[40_000];

    [Fact]
    public async Task A_tar_gz_over_the_expanded_size_stops_at_the_entry_that_crosses_it()
    {
        var tarGz = ArchiveUploadTests.TarGz([.. Enumerable.Range(0, 5).Select(i => ($"e{i}.wav", Entry))]);
        var handed = new List<string>();
        var ex = await Assert.ThrowsAsync<ArchiveLimitException>(() => ArchiveReader.ReadTarGzAsync(
            "five.tar.gz", new MemoryStream(tarGz), new ArchiveLimits(MaxExpandedBytes: 100_000, MaxEntries: 100), async (entry, data) =>
            {
                handed.Add(entry.Name);
                await data.CopyToAsync(Stream.Null);
            }, TestContext.Current.CancellationToken));

        // 2 × 40 kB fit in 100 kB; the third entry's header already says it cannot, so its data is never read.
        Assert.Equal(["e0.wav", "e1.wav"], handed);
        Assert.Equal("AudioMix:Web:MaxArchiveExpandedBytes", ex.Setting);
        Assert.Contains("five.tar.gz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_over_either_limit_is_refused_before_any_entry_is_expanded()
    {
        var zip = ArchiveUploadTests.Zip([.. Enumerable.Range(0, 5).Select(i => ($"e{i}.wav", Entry))]);
        foreach (var (limits, setting) in new[]
        {
            (new ArchiveLimits(MaxExpandedBytes: 100_000, MaxEntries: 100), "AudioMix:Web:MaxArchiveExpandedBytes"),
            (new ArchiveLimits(MaxExpandedBytes: 1_000_000, MaxEntries: 4), "AudioMix:Web:MaxArchiveEntries"),
        })
        {
            var handed = 0;
            var ex = await Assert.ThrowsAsync<ArchiveLimitException>(() => ArchiveReader.ReadZipAsync(
                "five.zip", new MemoryStream(zip), limits, (_, _) => { handed++; return Task.CompletedTask; }, TestContext.Current.CancellationToken));
            Assert.Equal(setting, ex.Setting);
            Assert.Equal(0, handed);
        }
    }

    [Fact]
    public async Task Entries_are_counted_as_they_stream_directories_and_links_included()
    {
        var tarGz = ArchiveUploadTests.TarGzWith(tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "d/"));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "d/l.wav") { LinkName = "x" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "d/a.wav") { DataStream = new MemoryStream([1, 2]) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "d/b.wav") { DataStream = new MemoryStream([1, 2]) });
        });
        var handed = new List<string>();
        var ex = await Assert.ThrowsAsync<ArchiveLimitException>(() => ArchiveReader.ReadTarGzAsync(
            "links.tar.gz", new MemoryStream(tarGz), new ArchiveLimits(1_000_000, MaxEntries: 3), (entry, _) => { handed.Add(entry.Name); return Task.CompletedTask; },
            TestContext.Current.CancellationToken));
        Assert.Equal(["d/", "d/l.wav", "d/a.wav"], handed);
        Assert.Equal("AudioMix:Web:MaxArchiveEntries", ex.Setting);
    }
}
