using System.Globalization;

namespace AudioMix.Grains.Jobs.Sharding;

/// <summary>Grain keys and blob keys of a job's shards, and how units are cut into shards.</summary>
public static class ShardKeys
{
    /// <summary>Most units in one shard: bounds a shard's state (≈ 1.2 KB per output) well under 1 MB per write.</summary>
    public const int MaxShardSize = 500;

    /// <summary>Fewest units in a shard (below it, per-shard overhead dominates).</summary>
    public const int MinShardSize = 10;

    /// <summary>
    /// Shards a small job is cut into at least, so even a few hundred units spread over several silos. A function of the
    /// unit count only: the shard layout of a job does not depend on the cluster it happens to run on.
    /// </summary>
    public const int TargetShardCount = 16;

    /// <summary>Units per shard for a job of <paramref name="units"/> units.</summary>
    public static int ShardSize(int units) =>
        Math.Clamp((int)Math.Ceiling(units / (double)TargetShardCount), MinShardSize, MaxShardSize);

    /// <summary>How many shards hold <paramref name="units"/> units of <paramref name="shardSize"/> each.</summary>
    public static int ShardCount(int units, int shardSize) => units == 0 ? 0 : (units + shardSize - 1) / shardSize;

    /// <summary>The shard grain's key.</summary>
    public static string Grain(string jobId, int shard) => $"{jobId}/{shard.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Splits a shard grain key into job id and shard number.</summary>
    public static (string JobId, int Shard) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            ? (key[..slash], shard)
            : throw new ArgumentException($"'{key}' is not a shard key (jobId/shard).", nameof(key));
    }

    /// <summary>The shard's plan blob (written once by the job).</summary>
    public static string Plan(string jobId, int shard) => $"{Folder(jobId, shard)}/plan.bin";

    /// <summary>The shard's part of the job's manifest (written by the shard when it finishes, rewritten on review).</summary>
    public static string Manifest(string jobId, int shard) => $"{Folder(jobId, shard)}/manifest.jsonl";

    private static string Folder(string jobId, int shard) => $"jobs/{jobId}/shards/{shard.ToString("D5", CultureInfo.InvariantCulture)}";
}
