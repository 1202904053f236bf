namespace AudioMix.Audio.Codecs;

/// <summary>
/// An external program AudioMix relies on (ffmpeg, ffprobe) is missing, cannot be started or failed for a
/// reason that is not the input's fault. The message says which tool and how to install it.
/// </summary>
public sealed class ExternalToolException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ExternalToolException()
        : base("An external tool failed.")
    {
    }

    /// <summary>Creates the exception with a message naming the tool and the remedy.</summary>
    public ExternalToolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ExternalToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
