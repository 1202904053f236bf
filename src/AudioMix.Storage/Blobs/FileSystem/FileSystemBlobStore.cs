using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace AudioMix.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> over a local directory: the embedded default backend.
/// </summary>
/// <remarks>
/// <para>Layout under the root: <c>blobs/&lt;key&gt;</c> holds each blob as one file (the content, then a small
/// metadata trailer — see the BlobTrailer notes); <c>.tmp/</c> holds writes in progress.</para>
/// <para>Atomicity: a write streams into a new file under <c>.tmp/</c>, flushes it to disk (fsync), then renames it
/// over the target (<c>rename(2)</c> replaces atomically within one filesystem). A process killed at any point
/// leaves the old file or the new one, plus at most a stray temp file, which is never listed or read and is
/// deleted when the directory is first opened by a process. Content and ETag live in the same file, so they change together.
/// The directory entry itself is not fsynced, so after a power loss the most recent renames may roll back to the
/// previous version (still whole); a process crash loses nothing that was acknowledged.</para>
/// <para>Concurrency: <b>one process owns a data directory</b>. Within it, the condition check and the rename of a
/// write or delete run under a per-key lock (striped), so conditional operations are atomic; content streaming
/// happens before the lock is taken. All instances over the same root in a process share these locks. Readers take
/// no lock: an open file keeps reading the version it opened. Two processes sharing a directory would keep atomic writes but could both pass the same condition.</para>
/// <para>Limitation: a key cannot be both a blob and a folder of other blobs (<c>a</c> and <c>a/b</c>), as in any
/// filesystem; such a write throws <see cref="IOException"/>. Azure has no such limit.</para>
/// </remarks>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const string BlobsFolder = "blobs";
    private const string TempFolder = ".tmp";
    private const int CopyBufferSize = 128 * 1024;
    private readonly string _blobsRoot;
    private readonly string _tempRoot;
    private readonly TimeProvider _timeProvider;
    // Per data directory, shared by every instance in the process: instances over one root (e.g. a web host and a
    // silo co-hosted with separate DI containers) must share the key locks, and the temp purge must run only once
    // (a second purge would delete another instance's in-flight writes).
    private static readonly ConcurrentDictionary<string, Lazy<SemaphoreSlim[]>> s_rootLocks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _stripes;

    /// <summary>
    /// Opens (creating if needed) a store rooted at <paramref name="rootPath"/>. The first instance for a root in
    /// this process removes stray temp files left by a crash; later instances share its key locks.
    /// </summary>
    /// <param name="rootPath">The data directory; relative paths are resolved against the current directory.</param>
    /// <param name="timeProvider">The clock for <see cref="BlobProperties.LastModified"/>; the system clock by default.</param>
    /// <exception cref="ArgumentException"><paramref name="rootPath"/> is empty.</exception>
    public FileSystemBlobStore(string rootPath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        RootPath = Path.GetFullPath(rootPath);
        _blobsRoot = Path.Combine(RootPath, BlobsFolder);
        _tempRoot = Path.Combine(RootPath, TempFolder);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _stripes = s_rootLocks.GetOrAdd(RootPath, _ => new Lazy<SemaphoreSlim[]>(Open)).Value;
    }

    /// <summary>The absolute data directory.</summary>
    public string RootPath { get; }

    /// <inheritdoc/>
    public async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        var path = PathOf(key);
        using var handle = TryOpen(path);
        return handle is null ? null : await BlobTrailer.ReadAsync(handle, key, path, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobReadStream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        var path = PathOf(key);
        var handle = TryOpen(path) ?? throw BlobNotFoundException.For(key);
        try
        {
            var properties = await BlobTrailer.ReadAsync(handle, key, path, cancellationToken).ConfigureAwait(false);
            return new BlobReadStream(new FileStream(handle, FileAccess.Read, bufferSize: 0, isAsync: true), properties);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> WriteAsync(string key, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobWriteOptions();
        var metadata = BlobMetadata.Validate(options.Metadata);
        var condition = options.Condition ?? BlobCondition.None;
        var target = PathOf(key);
        var temp = Path.Combine(_tempRoot, $"{Guid.NewGuid():N}.tmp");
        try
        {
            BlobProperties written;
            var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            await using (stream.ConfigureAwait(false))
            {
                var length = await CopyAsync(content, stream, cancellationToken).ConfigureAwait(false);
                written = new BlobProperties(key, length, NewETag(), _timeProvider.GetUtcNow(), options.ContentType ?? BlobWriteOptions.DefaultContentType, metadata);
                await BlobTrailer.WriteAsync(stream, written, cancellationToken).ConfigureAwait(false);
                // Durable before visible: without this a crash after the rename could expose a file whose blocks were never written.
                stream.Flush(flushToDisk: true);
            }

            var stripe = StripeOf(key);
            await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (condition.Kind != BlobConditionKind.None)
                {
                    var current = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
                    CheckCondition(key, condition, current);
                }

                Commit(key, temp, target);
            }
            finally
            {
                stripe.Release();
            }

            return written;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        BlobKey.Validate(key);
        condition ??= BlobCondition.None;
        var path = PathOf(key);
        var stripe = StripeOf(key);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
            CheckCondition(key, condition, current);
            if (current is null)
            {
                return false;
            }

            File.Delete(path);
        }
        finally
        {
            stripe.Release();
        }

        RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        return true;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var folderKey = slash < 0 ? string.Empty : prefix[..slash];
        var namePrefix = prefix[(slash + 1)..];
        var folder = folderKey.Length == 0 ? _blobsRoot : PathOf(folderKey);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var keys = new List<string>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (!entry.Name.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry is DirectoryInfo directory)
            {
                keys.AddRange(directory.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => KeyOf(f.FullName)).OfType<string>());
            }
            else if (KeyOf(entry.FullName) is { } key)
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BlobProperties? properties;
            try
            {
                properties = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                // A file that is not one of ours (copied in by hand): not a blob.
                continue;
            }

            if (properties is not null)
            {
                yield return properties;
            }
        }
    }

    // Runs once per root and process.
    private SemaphoreSlim[] Open()
    {
        Directory.CreateDirectory(_blobsRoot);
        Directory.CreateDirectory(_tempRoot);
        // Leftovers of writes interrupted by a crash: safe to delete because one process owns the directory.
        foreach (var stray in Directory.EnumerateFiles(_tempRoot))
        {
            TryDelete(stray);
        }

        return Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    private static void CheckCondition(string key, BlobCondition condition, BlobProperties? current)
    {
        var holds = condition.Kind switch
        {
            BlobConditionKind.None => true,
            BlobConditionKind.IfNotExists => current is null,
            BlobConditionKind.IfMatch => current is not null && string.Equals(current.ETag, condition.ETag, StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown condition."),
        };
        if (!holds)
        {
            throw BlobConditionFailedException.For(key, condition, current?.ETag);
        }
    }

    private void Commit(string key, string temp, string target)
    {
        if (Directory.Exists(target))
        {
            throw new IOException($"Cannot write blob '{key}': other blobs use it as a folder ('{key}/…'); the filesystem store cannot hold both.");
        }

        // A concurrent delete of another key may remove the (empty) parent folder between creating it and the
        // rename; retry then.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 5)
            {
            }
            catch (IOException e) when (e is not DirectoryNotFoundException && ParentIsBlob(target) is { } parent)
            {
                throw new IOException($"Cannot write blob '{key}': '{parent}' is itself a blob; the filesystem store cannot hold a blob and a folder of the same name.", e);
            }
        }
    }

    private string? ParentIsBlob(string target)
    {
        for (var dir = Path.GetDirectoryName(target); dir is not null && dir.Length > _blobsRoot.Length; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir))
            {
                return KeyOf(dir);
            }
        }

        return null;
    }

    private void RemoveEmptyFolders(string folder)
    {
        // Best effort: a concurrent writer may have just created a file there (then the delete fails and we stop).
        while (folder.Length > _blobsRoot.Length && folder.StartsWith(_blobsRoot, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }

                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return;
            }

            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static async Task<long> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[CopyBufferSize];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            total += read;
        }

        return total;
    }

    private static SafeFileHandle? TryOpen(string path)
    {
        if (Directory.Exists(path))
        {
            return null;
        }

        try
        {
            // FileShare.Delete lets writers rename over (and deleters remove) a file that is being read.
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            return null;
        }
    }

    // 128 random bits, quoted like an HTTP strong ETag.
    private static string NewETag() => "\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\"";

    private SemaphoreSlim StripeOf(string key) =>
        _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length)];

    // Keys are validated (relative, no '.'/'..' segments, no backslash), so the path cannot leave the blobs folder.
    private string PathOf(string key) => Path.Combine(_blobsRoot, key.Replace('/', Path.DirectorySeparatorChar));

    private string? KeyOf(string fullPath)
    {
        var key = Path.GetRelativePath(_blobsRoot, fullPath).Replace(Path.DirectorySeparatorChar, '/');
        return BlobKey.IsValid(key) ? key : null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
