using AudioMix.Abstractions.Datasets;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Tests.Infrastructure;
using AudioMix.Storage;

namespace AudioMix.Grains.Tests;

/// <summary>The silo's decoded-item cache: reads come from memory, each caller gets its own copy, and memory stays bounded.</summary>
public sealed class DecodedAudioCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("audiomix-cache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_cached_item_is_read_without_its_blob_and_callers_cannot_change_what_the_next_one_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FileSystemBlobStore(_root);
        var audio = new BlobAudio(store, new DecodedAudioCache(64 << 20));
        var item = await ItemAsync(store, "a", seed: 1);

        var first = await audio.ReadItemAsync(item, ct);
        var expected = first.Channels[0].ToArray();
        first.ApplyGain(0f);
        await store.DeleteAsync(item.BlobKey, cancellationToken: ct);

        // The blob is gone: this read can only come from the cache, and the first caller's change did not reach it.
        var second = await audio.ReadItemAsync(item, ct);
        Assert.Equal(expected, second.Channels[0]);
        Assert.NotSame(first, second);

        // Another content hash is another entry (content-addressed): a miss, and the blob is gone.
        await Assert.ThrowsAnyAsync<Exception>(() => audio.ReadItemAsync(item with { ContentHash = new string('f', 64) }, ct));
        // No content hash: never cached.
        Assert.Null(DecodedAudioCache.KeyOf(item with { ContentHash = string.Empty }));
    }

    [Fact]
    public async Task The_cache_keeps_the_most_recent_items_within_its_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FileSystemBlobStore(_root);
        // Each clip: 1 s at 16 kHz mono = 64,000 bytes of samples; room for 8 plus change.
        var cache = new DecodedAudioCache(600_000);
        var audio = new BlobAudio(store, cache);
        var items = new List<DatasetItem>();
        for (var i = 0; i < 20; i++)
        {
            items.Add(await ItemAsync(store, $"c{i}", seed: i));
            await audio.ReadItemAsync(items[^1], ct);
            Assert.True(cache.Bytes <= cache.CapacityBytes, $"{cache.Bytes} bytes held");
        }

        Assert.NotNull(cache.TryGet(DecodedAudioCache.KeyOf(items[^1])!));
        Assert.Null(cache.TryGet(DecodedAudioCache.KeyOf(items[0])!));
    }

    private static async Task<DatasetItem> ItemAsync(FileSystemBlobStore store, string name, int seed)
    {
        var clip = TestData.Tone(220 + seed, 16000, 1, 1.0, seed);
        var bytes = TestData.Wav(clip, WavSampleFormat.Float32);
        var key = $"datasets/cache/items/{name}.wav";
        using (var content = new MemoryStream(bytes))
        {
            await store.WriteAsync(key, content);
        }

        return new DatasetItem(name, name + ".wav", key, TestData.Sha256Hex(bytes), "wav", bytes.Length, clip.Duration, 16000, 1, null, null, [], null, null);
    }
}
