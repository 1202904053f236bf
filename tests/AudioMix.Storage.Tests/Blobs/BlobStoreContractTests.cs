using System.Security.Cryptography;
using System.Text;
using AudioMix.Storage.Tests.Infrastructure;

namespace AudioMix.Storage.Tests.Blobs;

/// <summary>
/// The <see cref="IBlobStore"/> contract, run unchanged against every backend (subclasses supply the store).
/// </summary>
public abstract class BlobStoreContractTests
{
    protected abstract IBlobStore Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private async Task<string> ReadTextAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task Write_then_read_round_trips_20_MB_streamed_from_a_non_seekable_source()
    {
        const long length = 20L * 1024 * 1024 + 12345;
        var written = await Store.WriteAsync("big/pattern.bin", new PatternStream(length, seed: 7), new BlobWriteOptions { ContentType = "application/x-test" }, Ct);

        Assert.Equal(length, written.Length);
        await using var read = await Store.OpenReadAsync("big/pattern.bin", Ct);
        Assert.Equal(length, read.Length);
        Assert.Equal(written.ETag, read.Properties.ETag);
        var hash = await SHA256.HashDataAsync(read, Ct);
        Assert.Equal(PatternStream.Hash(length, seed: 7), hash);
    }

    [Fact]
    public async Task Read_stream_is_seekable_and_reads_any_range()
    {
        const long length = 3L * 1024 * 1024;
        await Store.WriteAsync("seek.bin", new PatternStream(length, seed: 3), null, Ct);

        await using var stream = await Store.OpenReadAsync("seek.bin", Ct);
        Assert.True(stream.CanSeek);
        Assert.Equal(length, stream.Length);
        foreach (var offset in new long[] { 2_000_000, 17, length - 100, 0 })
        {
            stream.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[100];
            await stream.ReadExactlyAsync(buffer, Ct);
            var expected = new byte[100];
            PatternStream.Fill(3, offset, expected);
            Assert.Equal(expected, buffer);
        }

        stream.Seek(-10, SeekOrigin.End);
        var tail = new byte[64];
        Assert.Equal(10, await stream.ReadAtLeastAsync(tail, 64, throwOnEndOfStream: false, Ct));
        Assert.Equal(0, await stream.ReadAsync(tail, Ct));
    }

    [Fact]
    public async Task Properties_report_length_etag_content_type_metadata_and_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var metadata = new Dictionary<string, string> { ["source"] = "upload 42", ["sample_rate"] = "48000" };
        var written = await Store.WriteAsync("props/a.wav", Text("hello"), new BlobWriteOptions { ContentType = "audio/wav", Metadata = metadata }, Ct);

        var properties = await Store.GetPropertiesAsync("props/a.wav", Ct);
        Assert.NotNull(properties);
        Assert.Equal("props/a.wav", properties.Key);
        Assert.Equal(5, properties.Length);
        Assert.Equal(written.ETag, properties.ETag);
        Assert.StartsWith("\"", properties.ETag, StringComparison.Ordinal);
        Assert.EndsWith("\"", properties.ETag, StringComparison.Ordinal);
        Assert.Equal("audio/wav", properties.ContentType);
        Assert.Equal(metadata, properties.Metadata);
        Assert.InRange(properties.LastModified, before, DateTimeOffset.UtcNow.AddSeconds(5));

        await using var stream = await Store.OpenReadAsync("props/a.wav", Ct);
        Assert.Equal("audio/wav", stream.Properties.ContentType);
        Assert.Equal(metadata, stream.Properties.Metadata);

        var listed = Assert.Single(await Store.ListAsync("props/", Ct).ToListAsync(Ct));
        Assert.Equal(metadata, listed.Metadata);
        Assert.Equal("audio/wav", listed.ContentType);
        Assert.Equal(written.ETag, listed.ETag);
    }

    [Fact]
    public async Task Content_type_defaults_to_octet_stream_and_metadata_to_empty()
    {
        await Store.WriteAsync("plain", Text("x"), null, Ct);

        var properties = await Store.GetPropertiesAsync("plain", Ct);
        Assert.Equal(BlobWriteOptions.DefaultContentType, properties!.ContentType);
        Assert.Empty(properties.Metadata);
    }

    [Fact]
    public async Task Empty_blob_round_trips()
    {
        var written = await Store.WriteAsync("empty", Stream.Null, null, Ct);

        Assert.Equal(0, written.Length);
        await using var stream = await Store.OpenReadAsync("empty", Ct);
        Assert.Equal(0, stream.Length);
        Assert.Equal(-1, stream.ReadByte());
    }

    [Fact]
    public async Task Keys_with_spaces_and_unicode_round_trip()
    {
        const string key = "user uploads/ünïcode ✓ (1)/take #2.wav";
        await Store.WriteAsync(key, Text("unicode"), null, Ct);

        Assert.Equal("unicode", await ReadTextAsync(key));
        Assert.Equal(key, Assert.Single(await Store.ListAsync("user uploads/", Ct).ToListAsync(Ct)).Key);
    }

    [Fact]
    public async Task Missing_blob_has_no_properties_cannot_be_read_and_deletes_as_false()
    {
        Assert.Null(await Store.GetPropertiesAsync("nope/missing.wav", Ct));
        var e = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("nope/missing.wav", Ct));
        Assert.Equal("nope/missing.wav", e.Key);
        Assert.False(await Store.DeleteAsync("nope/missing.wav", null, Ct));
    }

    [Fact]
    public async Task IfNotExists_creates_an_absent_blob_and_refuses_an_existing_one()
    {
        var first = await Store.WriteAsync("c/once", Text("one"), new BlobWriteOptions { Condition = BlobCondition.IfNotExists }, Ct);

        var e = await Assert.ThrowsAsync<BlobConditionFailedException>(() =>
            Store.WriteAsync("c/once", Text("two"), new BlobWriteOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal(first.ETag, e.CurrentETag);
        Assert.Equal("c/once", e.Key);
        Assert.Equal("one", await ReadTextAsync("c/once"));
    }

    [Fact]
    public async Task IfMatch_with_the_current_etag_replaces_and_with_a_stale_one_is_refused()
    {
        var v1 = await Store.WriteAsync("c/doc", Text("v1"), null, Ct);
        var v2 = await Store.WriteAsync("c/doc", Text("v2"), new BlobWriteOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct);
        Assert.NotEqual(v1.ETag, v2.ETag);

        var e = await Assert.ThrowsAsync<BlobConditionFailedException>(() =>
            Store.WriteAsync("c/doc", Text("v3"), new BlobWriteOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        Assert.Equal(v2.ETag, e.CurrentETag);
        Assert.Equal("v2", await ReadTextAsync("c/doc"));
    }

    [Fact]
    public async Task IfMatch_on_an_absent_blob_is_refused()
    {
        var v1 = await Store.WriteAsync("c/gone", Text("v1"), null, Ct);
        await Store.DeleteAsync("c/gone", null, Ct);

        var e = await Assert.ThrowsAsync<BlobConditionFailedException>(() =>
            Store.WriteAsync("c/gone", Text("v2"), new BlobWriteOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        Assert.Null(e.CurrentETag);
        Assert.Null(await Store.GetPropertiesAsync("c/gone", Ct));
    }

    [Fact]
    public async Task Conditional_deletes_check_the_version()
    {
        var v1 = await Store.WriteAsync("d/doc", Text("v1"), null, Ct);
        var v2 = await Store.WriteAsync("d/doc", Text("v2"), null, Ct);

        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.DeleteAsync("d/doc", BlobCondition.IfMatch(v1.ETag), Ct));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.DeleteAsync("d/doc", BlobCondition.IfNotExists, Ct));
        Assert.Equal("v2", await ReadTextAsync("d/doc"));

        Assert.True(await Store.DeleteAsync("d/doc", BlobCondition.IfMatch(v2.ETag), Ct));
        Assert.Null(await Store.GetPropertiesAsync("d/doc", Ct));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.DeleteAsync("d/doc", BlobCondition.IfMatch(v2.ETag), Ct));
        Assert.False(await Store.DeleteAsync("d/doc", BlobCondition.IfNotExists, Ct));
    }

    [Fact]
    public async Task Unconditional_delete_removes_the_blob()
    {
        await Store.WriteAsync("d/x/y", Text("v1"), null, Ct);

        Assert.True(await Store.DeleteAsync("d/x/y", null, Ct));
        Assert.Null(await Store.GetPropertiesAsync("d/x/y", Ct));
        Assert.Empty(await Store.ListAsync("d/", Ct).ToListAsync(Ct));
        // The key is reusable afterwards, create-only.
        await Store.WriteAsync("d/x/y", Text("again"), new BlobWriteOptions { Condition = BlobCondition.IfNotExists }, Ct);
        Assert.Equal("again", await ReadTextAsync("d/x/y"));
    }

    [Fact]
    public async Task Rewriting_identical_content_changes_the_etag()
    {
        var first = await Store.WriteAsync("same", Text("identical"), null, Ct);
        var second = await Store.WriteAsync("same", Text("identical"), null, Ct);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, (await Store.GetPropertiesAsync("same", Ct))!.ETag);
    }

    [Fact]
    public async Task List_by_prefix_is_in_ordinal_key_order_and_matches_partial_segments()
    {
        string[] keys = ["l/b/2", "l/a-b", "l/a/1", "l/a/0/z", "l/ab", "l/B", "other/a", "l2/x"];
        foreach (var key in keys)
        {
            await Store.WriteAsync(key, Text(key), null, Ct);
        }

        var all = (await Store.ListAsync("l/", Ct).ToListAsync(Ct)).Select(p => p.Key).ToArray();
        Assert.Equal(keys.Where(k => k.StartsWith("l/", StringComparison.Ordinal)).Order(StringComparer.Ordinal), all);
        Assert.Equal(["l/a-b", "l/a/0/z", "l/a/1", "l/ab"], (await Store.ListAsync("l/a", Ct).ToListAsync(Ct)).Select(p => p.Key));
        Assert.Equal(["l/a/0/z", "l/a/1"], (await Store.ListAsync("l/a/", Ct).ToListAsync(Ct)).Select(p => p.Key));
        Assert.Equal(["l/B", "l/a-b", "l/a/0/z", "l/a/1", "l/ab", "l/b/2", "l2/x"], (await Store.ListAsync("l", Ct).ToListAsync(Ct)).Select(p => p.Key));
        Assert.Empty(await Store.ListAsync("nothing/", Ct).ToListAsync(Ct));
        Assert.Equal(keys.Length, (await Store.ListAsync("", Ct).ToListAsync(Ct)).Count);
        var sizes = await Store.ListAsync("l/b/", Ct).Select(p => p.Length).ToListAsync(Ct);
        Assert.Equal([5L], sizes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("back\\slash")]
    [InlineData("ctrl\u0001char")]
    [InlineData("new\nline")]
    [InlineData("dot./end")]
    public async Task Invalid_keys_are_rejected_by_every_operation(string key)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(key, Text("x"), null, Ct));
        Assert.Contains("Invalid blob key", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetPropertiesAsync(key, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, null, Ct));
    }

    [Fact]
    public async Task Overlong_keys_and_invalid_prefixes_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(new string('a', 300), Text("x"), null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(string.Join('/', Enumerable.Repeat("a", 300)), Text("x"), null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ListAsync("../", Ct).ToListAsync(Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ListAsync("/x", Ct).ToListAsync(Ct));
    }

    [Theory]
    [InlineData("UpperCase", "v")]
    [InlineData("1digit", "v")]
    [InlineData("with-dash", "v")]
    [InlineData("ok", "non ascii é")]
    [InlineData("ok", "line\nbreak")]
    [InlineData("ok", " padded")]
    public async Task Invalid_metadata_is_rejected(string name, string value)
    {
        var options = new BlobWriteOptions { Metadata = new Dictionary<string, string> { [name] = value } };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync("meta", Text("x"), options, Ct));
        Assert.Null(await Store.GetPropertiesAsync("meta", Ct));
    }

    [Fact]
    public async Task Exactly_one_of_many_concurrent_create_only_writers_wins()
    {
        const int writers = 8;
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                return (i, Props: (BlobProperties?)await Store.WriteAsync("race/create", Text($"writer {i}"), new BlobWriteOptions { Condition = BlobCondition.IfNotExists }, Ct));
            }
            catch (BlobConditionFailedException)
            {
                return (i, Props: null);
            }
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        var winner = Assert.Single(results, r => r.Props is not null);
        Assert.Equal($"writer {winner.i}", await ReadTextAsync("race/create"));
        Assert.Equal(winner.Props!.ETag, (await Store.GetPropertiesAsync("race/create", Ct))!.ETag);
    }

    [Fact]
    public async Task Exactly_one_of_many_concurrent_writers_holding_the_same_etag_wins()
    {
        const int writers = 8;
        var v1 = await Store.WriteAsync("race/update", Text("v1"), null, Ct);
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Store.WriteAsync("race/update", Text($"writer {i}"), new BlobWriteOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct);
                return i;
            }
            catch (BlobConditionFailedException)
            {
                return -1;
            }
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        var winner = Assert.Single(results, r => r >= 0);
        Assert.Equal($"writer {winner}", await ReadTextAsync("race/update"));
    }

    [Fact]
    public async Task A_reader_never_sees_a_mix_of_two_versions()
    {
        const long length = 6L * 1024 * 1024;
        await Store.WriteAsync("iso.bin", new PatternStream(length, seed: 1), null, Ct);
        await using var reader = await Store.OpenReadAsync("iso.bin", Ct);
        var head = new byte[1024];
        await reader.ReadExactlyAsync(head, Ct);

        await Store.WriteAsync("iso.bin", new PatternStream(length, seed: 2), null, Ct);

        // Either the old version keeps reading (filesystem) or further reads fail (Azure If-Match): never new bytes.
        try
        {
            reader.Position = 0;
            Assert.Equal(PatternStream.Hash(length, seed: 1), await SHA256.HashDataAsync(reader, Ct));
        }
        catch (Exception e) when (e is IOException or Azure.RequestFailedException)
        {
        }

        await using var fresh = await Store.OpenReadAsync("iso.bin", Ct);
        Assert.Equal(PatternStream.Hash(length, seed: 2), await SHA256.HashDataAsync(fresh, Ct));
    }

    [Fact]
    public async Task A_failed_upload_leaves_the_previous_version_intact()
    {
        var v1 = await Store.WriteAsync("fail/doc", Text("v1"), null, Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.WriteAsync("fail/doc", new FailingStream(9 * 1024 * 1024), null, Ct));

        Assert.Equal("v1", await ReadTextAsync("fail/doc"));
        Assert.Equal(v1.ETag, (await Store.GetPropertiesAsync("fail/doc", Ct))!.ETag);
        Assert.Single(await Store.ListAsync("fail/", Ct).ToListAsync(Ct));
    }
}

public sealed class FileSystemBlobStoreContractTests : BlobStoreContractTests, IDisposable
{
    private readonly TempDirectory _root = new();

    public FileSystemBlobStoreContractTests()
    {
        Store = new FileSystemBlobStore(_root.Path);
    }

    protected override IBlobStore Store { get; }

    public void Dispose() => _root.Dispose();
}

public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : BlobStoreContractTests
{
    protected override IBlobStore Store { get; } =
        new AzureBlobStore(azurite.ConnectionString, AzuriteFixture.NewContainerName(nameof(AzureBlobStoreContractTests)));
}
