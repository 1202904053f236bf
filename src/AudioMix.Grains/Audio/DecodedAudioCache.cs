using AudioMix.Audio;

namespace AudioMix.Grains.Audio;

/// <summary>
/// Decoded dataset items kept in memory on a silo, least recently used first out, bounded by their sample bytes. A
/// mixup job reads each item dozens of times (100k units over 200 clips: ~1,000 reads each); without this every read is
/// a blob download and a decode, and the blob store — one Azurite process, or the network to Azure — becomes the
/// bottleneck that adding silos cannot lift. Items are content-addressed (<see cref="DatasetItem.ContentHash"/>), so an
/// entry can never go stale; callers always get their own copy, so an op that scales its input in place cannot change
/// what the next unit reads (outputs stay byte-identical with or without the cache).
/// </summary>
public sealed class DecodedAudioCache(long capacityBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, AudioBuffer Audio, long Bytes)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, AudioBuffer Audio, long Bytes)> _recency = new();
    private long _bytes;

    /// <summary>Most sample bytes held (0 turns the cache off).</summary>
    public long CapacityBytes { get; } = Math.Max(0, capacityBytes);

    /// <summary>Sample bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The cache key of an item, or null when it cannot be cached (no content hash: not content-addressed).</summary>
    public static string? KeyOf(DatasetItem item) =>
        string.IsNullOrEmpty(item.ContentHash) ? null : $"{item.ContentHash}:{item.BlobKey}";

    /// <summary>A copy of the cached audio, or null.</summary>
    public AudioBuffer? TryGet(string key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Audio.Clone();
        }
    }

    /// <summary>Keeps a copy of <paramref name="audio"/>, evicting the least recently used; items over 1/8 of the capacity are not kept.</summary>
    public void Add(string key, AudioBuffer audio)
    {
        var bytes = (long)audio.Frames * audio.ChannelCount * sizeof(float);
        if (bytes > CapacityBytes / 8)
        {
            return;
        }

        var copy = audio.Clone();
        lock (_gate)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _recency.AddFirst((key, copy, bytes));
            _bytes += bytes;
            while (_bytes > CapacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Bytes;
            }
        }
    }
}
