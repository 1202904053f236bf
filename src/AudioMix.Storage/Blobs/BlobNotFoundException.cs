namespace AudioMix.Storage;

/// <summary>The blob does not exist.</summary>
public sealed class BlobNotFoundException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public BlobNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BlobNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BlobNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a key.</summary>
    /// <param name="key">The missing blob's key.</param>
    /// <param name="innerException">The backend's error, if any.</param>
    public static BlobNotFoundException For(string key, Exception? innerException = null) =>
        new($"Blob '{key}' does not exist.", innerException) { Key = key };
}
