using System.Text;
using AudioMix.Storage.Tests.Infrastructure;

namespace AudioMix.Storage.Tests.Blobs;

/// <summary>
/// Filesystem-specific guarantees: on-disk layout, crash leftovers, in-flight writes, foreign files, key/folder clashes.
/// </summary>
/// <remarks>
/// Crash atomicity is tested by simulation rather than by kill -9 of a child process (which would need a separate
/// helper executable): a write killed at any point can only leave (a) a temp file under .tmp/ — planted here and
/// shown to be ignored and purged — or (b) the fully written, fsynced file renamed into place. The in-flight test
/// holds a write mid-stream and shows the target is untouched until the rename.
/// </remarks>
public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly TempDirectory _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Blobs_live_under_blobs_with_their_content_first()
    {
        var store = new FileSystemBlobStore(_root.Path);
        await store.WriteAsync("a/b/c.txt", Text("content first"), new BlobWriteOptions { ContentType = "text/plain" }, Ct);

        var file = Path.Combine(_root.Path, "blobs", "a", "b", "c.txt");
        Assert.True(File.Exists(file));
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.Equal("content first", Encoding.UTF8.GetString(bytes, 0, 13));
        Assert.Equal("AMBLOB01", Encoding.ASCII.GetString(bytes, bytes.Length - 8, 8));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.Path, ".tmp")));
    }

    [Fact]
    public async Task Stray_temp_files_from_a_crash_are_never_listed_or_read_and_are_purged_on_open()
    {
        // Simulates a process killed mid-write: a half-written temp file is all it can leave behind.
        var temp = Directory.CreateDirectory(Path.Combine(_root.Path, ".tmp")).FullName;
        var stray = Path.Combine(temp, "0123456789abcdef.tmp");
        await File.WriteAllBytesAsync(stray, new byte[4096], Ct);

        var store = new FileSystemBlobStore(_root.Path);

        Assert.False(File.Exists(stray));
        Assert.Empty(await store.ListAsync("", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task An_in_flight_write_is_invisible_until_it_completes()
    {
        var store = new FileSystemBlobStore(_root.Path);
        var v1 = await store.WriteAsync("doc", Text("old"), null, Ct);
        var gate = new GatedStream(1024 * 1024);

        var write = store.WriteAsync("doc", gate, null, Ct);
        await gate.HalfWay.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Half the new content is on disk, but only in .tmp/.
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root.Path, ".tmp")));
        Assert.Equal(v1.ETag, (await store.GetPropertiesAsync("doc", Ct))!.ETag);
        Assert.Equal(["doc"], (await store.ListAsync("", Ct).ToListAsync(Ct)).Select(p => p.Key));
        await using (var reader = await store.OpenReadAsync("doc", Ct))
        {
            Assert.Equal(3, reader.Length);
        }

        gate.Release.SetResult();
        var v2 = await write;
        Assert.Equal(1024 * 1024, v2.Length);
        Assert.Equal(v2.ETag, (await store.GetPropertiesAsync("doc", Ct))!.ETag);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.Path, ".tmp")));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_old_blob_and_no_temp_file()
    {
        var store = new FileSystemBlobStore(_root.Path);
        await store.WriteAsync("doc", Text("old"), null, Ct);
        using var cts = new CancellationTokenSource();
        var gate = new GatedStream(1024 * 1024);

        var write = store.WriteAsync("doc", gate, null, cts.Token);
        await gate.HalfWay.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await cts.CancelAsync();
        gate.Release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Equal(3, (await store.GetPropertiesAsync("doc", Ct))!.Length);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.Path, ".tmp")));
    }

    [Fact]
    public async Task Foreign_or_truncated_files_are_reported_clearly_and_not_listed()
    {
        var store = new FileSystemBlobStore(_root.Path);
        await store.WriteAsync("good", Text("fine"), null, Ct);
        var blobs = Path.Combine(_root.Path, "blobs");
        await File.WriteAllTextAsync(Path.Combine(blobs, "copied-in.wav"), "RIFF....WAVE", Ct);
        var truncated = Path.Combine(blobs, "truncated");
        await store.WriteAsync("truncated", new PatternStream(10_000, 1), null, Ct);
        await using (var f = new FileStream(truncated, FileMode.Open))
        {
            f.SetLength(5000);
        }

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetPropertiesAsync("copied-in.wav", Ct));
        Assert.Contains("copied-in.wav", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.OpenReadAsync("truncated", Ct));
        Assert.Equal(["good"], (await store.ListAsync("", Ct).ToListAsync(Ct)).Select(p => p.Key));
    }

    [Fact]
    public async Task A_key_cannot_be_both_a_blob_and_a_folder()
    {
        var store = new FileSystemBlobStore(_root.Path);
        await store.WriteAsync("a", Text("file"), null, Ct);
        await store.WriteAsync("x/y", Text("nested"), null, Ct);

        var e1 = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("a/b", Text("under a file"), null, Ct));
        Assert.Contains("'a' is itself a blob", e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("x", Text("over a folder"), null, Ct));
        Assert.Contains("folder", e2.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetPropertiesAsync("x", Ct));
        Assert.Equal("file", await new StreamReader(await store.OpenReadAsync("a", Ct)).ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Deleting_the_last_blob_of_a_folder_removes_the_empty_folders()
    {
        var store = new FileSystemBlobStore(_root.Path);
        await store.WriteAsync("p/q/r/s", Text("deep"), null, Ct);
        await store.WriteAsync("p/keep", Text("keep"), null, Ct);

        await store.DeleteAsync("p/q/r/s", null, Ct);

        Assert.False(Directory.Exists(Path.Combine(_root.Path, "blobs", "p", "q")));
        Assert.True(File.Exists(Path.Combine(_root.Path, "blobs", "p", "keep")));
        // The freed name can now be a blob.
        await store.WriteAsync("p/q", Text("now a file"), null, Ct);
    }

    [Fact]
    public async Task Instances_over_the_same_root_share_the_key_locks()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new FileSystemBlobStore(_root.Path)).ToArray();
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await stores[i % stores.Length].WriteAsync("shared", Text($"w{i}"), new BlobWriteOptions { Condition = BlobCondition.IfNotExists }, Ct);
                return true;
            }
            catch (BlobConditionFailedException)
            {
                return false;
            }
        })).ToArray();
        start.SetResult();

        Assert.Single(await Task.WhenAll(tasks), won => won);
    }

    [Fact]
    public void An_empty_root_path_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new FileSystemBlobStore(" "));
    }

    /// <summary>Yields half its bytes, signals, then waits to be released before yielding the rest.</summary>
    private sealed class GatedStream(int length) : Stream
    {
        private int _position;

        public TaskCompletionSource HalfWay { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= length / 2)
            {
                HalfWay.TrySetResult();
                await Release.Task;
                cancellationToken.ThrowIfCancellationRequested();
            }

            var n = Math.Min(buffer.Length, length - _position);
            buffer.Span[..n].Fill(0x5A);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
