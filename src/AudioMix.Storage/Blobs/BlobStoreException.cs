namespace AudioMix.Storage;

/// <summary>Base class of the typed failures of an <see cref="IBlobStore"/>.</summary>
public abstract class BlobStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected BlobStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    protected BlobStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    protected BlobStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The key of the blob concerned, when known.</summary>
    public string? Key { get; init; }
}
