using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AudioMix.Web.Services;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>Archive entry names, and archives that are damaged, too large or carry odd entries.</summary>
public sealed class ArchiveUploadTests : IAsyncDisposable
{
    private PlatformFactory? _factory;

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory.DeleteData();
        }
    }

    [Theory]
    [InlineData("a.wav", "Audio", "a.wav")]
    [InlineData("./dir/./b.FLAC", "Audio", "dir/b.FLAC")]
    [InlineData("dir\\sub\\c.mp3", "Audio", "dir/sub/c.mp3")]
    [InlineData("dir//d.ogg", "Audio", "dir/d.ogg")]
    [InlineData("x/metadata.csv", "Metadata", "x/metadata.csv")]
    [InlineData("metadata.jsonl", "Metadata", "metadata.jsonl")]
    [InlineData("../evil.wav", "Unsafe", "../evil.wav")]
    [InlineData("ok/../../evil.wav", "Unsafe", "ok/../../evil.wav")]
    [InlineData("ok\\..\\evil.wav", "Unsafe", "ok/../evil.wav")]
    [InlineData("/etc/evil.wav", "Unsafe", "/etc/evil.wav")]
    [InlineData("C:/evil.wav", "Unsafe", "C:/evil.wav")]
    [InlineData("__MACOSX/x/._a.wav", "Hidden", "__MACOSX/x/._a.wav")]
    [InlineData("x/.DS_Store", "Hidden", "x/.DS_Store")]
    [InlineData(".git/config", "Hidden", ".git/config")]
    [InlineData("readme.md", "Other", "readme.md")]
    [InlineData("song.wav.exe", "Other", "song.wav.exe")]
    public void Entry_names_are_normalised_and_classified(string raw, string kind, string path)
    {
        Assert.Equal((Enum.Parse<ArchiveEntryKind>(kind), path), ArchiveEntries.Classify(raw));
    }

    [Theory]
    [InlineData("x.zip", "Zip")]
    [InlineData("X.ZIP", "Zip")]
    [InlineData("x.tar.gz", "TarGz")]
    [InlineData("x.tgz", "TarGz")]
    [InlineData("x.tar", null)]
    [InlineData("x.gz", null)]
    [InlineData("x.wav", null)]
    public void Archive_kind_follows_the_file_name(string name, string? kind) => Assert.Equal(kind is null ? null : Enum.Parse<ArchiveKind>(kind), ArchiveEntries.KindOf(name));

    [Fact]
    public async Task Damaged_oversized_and_odd_archives_are_refused_by_name_and_the_rest_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        _factory = new PlatformFactory(settings: new Dictionary<string, string?> { ["AudioMix:Web:MaxUploadBytes"] = "200000" });
        _factory.StartServer();
        using var client = _factory.CreateClient();
        var created = await client.PostAsync("/api/datasets", RestScenario.Json("""{"name": "archives", "kind": "speech"}"""), ct);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString()!;

        // A tar.gz cut short after its first entry: that entry stays, the archive is reported.
        var good = WebTestAudio.Wav(500, seconds: 0.2, seed: 1);
        var tarGz = TarGz(("one.wav", good), ("two.wav", WebTestAudio.Wav(600, seconds: 0.2, seed: 2)));
        var truncated = tarGz[..(tarGz.Length * 2 / 3)];
        // A zip over the 200 kB limit (stored, so its size is its content's).
        var bigZip = Zip(("huge.wav", WebTestAudio.Wav(300, seconds: 8)));
        // Not a zip at all.
        var fakeZip = "PK but not really"u8.ToArray();
        // A tar.gz whose symlink entry is refused, with metadata.jsonl (transcripts) applied to a nested folder.
        var odd = TarGzWith(tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link.wav") { LinkName = "/etc/passwd" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "spk1/metadata.jsonl")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes("{\"file_name\": \"utt.wav\", \"text\": \"hello world\"}\n")),
            });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "spk1/utt.wav") { DataStream = new MemoryStream(WebTestAudio.Wav(200, seconds: 0.2, seed: 3)) });
        });

        using var form = new MultipartFormDataContent();
        form.Add(WebTestAudio.File(truncated, "application/gzip"), "files", "cut.tar.gz");
        form.Add(WebTestAudio.File(bigZip, "application/zip"), "files", "big.zip");
        form.Add(WebTestAudio.File(fakeZip, "application/zip"), "files", "fake.zip");
        form.Add(WebTestAudio.File(odd, "application/gzip"), "files", "odd.tgz");
        form.Add(WebTestAudio.File(good), "files", "plain.wav");
        var upload = await RestScenario.UploadAsync(client, id, form, ct);

        var accepted = upload.GetProperty("accepted").EnumerateArray().ToDictionary(i => i.GetProperty("fileName").GetString()!);
        Assert.Equal(["one.wav", "plain.wav", "spk1/utt.wav"], accepted.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("hello world", accepted["spk1/utt.wav"].GetProperty("text").GetString());
        var rejected = upload.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("fileName").GetString()!, r => r.GetProperty("error").GetString()!);
        Assert.Equal(["big.zip", "cut.tar.gz", "fake.zip", "link.wav"], rejected.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("upload limit", rejected["big.zip"], StringComparison.Ordinal);
        Assert.Contains("not a readable tar.gz archive", rejected["cut.tar.gz"], StringComparison.Ordinal);
        // The entry the damage cut through is named, and never stored as if whole.
        Assert.Contains("two.wav ends after", rejected["cut.tar.gz"], StringComparison.Ordinal);
        Assert.Contains("not a readable zip archive", rejected["fake.zip"], StringComparison.Ordinal);
        Assert.Contains("only regular files", rejected["link.wav"], StringComparison.Ordinal);
        Assert.All(rejected, r => Assert.Contains(r.Key, r.Value, StringComparison.Ordinal));
    }

    internal static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(data);
            }
        }

        return memory.ToArray();
    }

    internal static byte[] TarGz(params (string Name, byte[] Data)[] entries) => TarGzWith(tar =>
    {
        foreach (var (name, data) in entries)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
    });

    internal static byte[] TarGzWith(Action<TarWriter> write)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(tar);
        }

        return memory.ToArray();
    }
}
