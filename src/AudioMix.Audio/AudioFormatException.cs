namespace AudioMix.Audio;

/// <summary>
/// The one exception AudioMix raises for input that is not readable audio: corrupt, truncated,
/// unsupported or not audio at all. The message names the problem (and the file, when known) so a
/// user can act on it; callers never see IndexOutOfRange or a silent partial read instead.
/// </summary>
public sealed class AudioFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public AudioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public AudioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a named source (file name or blob key).</summary>
    public AudioFormatException(string? source, string message)
        : base(source is null ? message : $"{source}: {message}")
    {
        SourceName = source;
    }

    /// <summary>The file or stream the problem was found in, when known.</summary>
    public string? SourceName { get; }
}
