namespace AudioMix.Storage;

/// <summary>The kind of precondition a <see cref="BlobCondition"/> expresses.</summary>
public enum BlobConditionKind
{
    /// <summary>No precondition.</summary>
    None,

    /// <summary>The blob must not exist (HTTP <c>If-None-Match: *</c>).</summary>
    IfNotExists,

    /// <summary>The blob must exist with the given ETag (HTTP <c>If-Match</c>).</summary>
    IfMatch,
}

/// <summary>A precondition for a write or delete, checked atomically with it (optimistic concurrency).</summary>
public sealed record BlobCondition
{
    private BlobCondition(BlobConditionKind kind, string? etag)
    {
        Kind = kind;
        ETag = etag;
    }

    /// <summary>No precondition: the operation always applies.</summary>
    public static BlobCondition None { get; } = new(BlobConditionKind.None, null);

    /// <summary>Applies only when the blob does not exist (create-only).</summary>
    public static BlobCondition IfNotExists { get; } = new(BlobConditionKind.IfNotExists, null);

    /// <summary>The kind of precondition.</summary>
    public BlobConditionKind Kind { get; }

    /// <summary>The expected ETag when <see cref="Kind"/> is <see cref="BlobConditionKind.IfMatch"/>; otherwise null.</summary>
    public string? ETag { get; }

    /// <summary>Applies only when the blob exists and its current ETag equals <paramref name="etag"/>.</summary>
    /// <param name="etag">An ETag previously returned by the same store.</param>
    /// <exception cref="ArgumentException"><paramref name="etag"/> is null, empty or whitespace.</exception>
    public static BlobCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(etag);
        return new(BlobConditionKind.IfMatch, etag);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        BlobConditionKind.IfMatch => $"IfMatch({ETag})",
        _ => Kind.ToString(),
    };
}
