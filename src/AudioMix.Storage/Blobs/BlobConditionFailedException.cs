namespace AudioMix.Storage;

/// <summary>
/// A conditional write or delete was refused because its <see cref="BlobCondition"/> did not hold
/// (the optimistic-concurrency conflict: HTTP 409/412 in Azure terms).
/// </summary>
public sealed class BlobConditionFailedException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public BlobConditionFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BlobConditionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BlobConditionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The condition that failed.</summary>
    public BlobCondition? Condition { get; init; }

    /// <summary>The blob's current ETag when known; <see langword="null"/> when the blob is absent or it is unknown.</summary>
    public string? CurrentETag { get; init; }

    /// <summary>Creates the exception for a key, condition and the current ETag.</summary>
    /// <param name="key">The blob key.</param>
    /// <param name="condition">The condition that failed.</param>
    /// <param name="currentETag">The current ETag, or null when the blob is absent or it is unknown.</param>
    /// <param name="innerException">The backend's error, if any.</param>
    public static BlobConditionFailedException For(string key, BlobCondition condition, string? currentETag, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var state = currentETag is null ? "the blob is absent or its version is unknown" : $"its current ETag is {currentETag}";
        return new($"Condition {condition} failed for blob '{key}': {state}.", innerException)
        {
            Key = key,
            Condition = condition,
            CurrentETag = currentETag,
        };
    }
}
