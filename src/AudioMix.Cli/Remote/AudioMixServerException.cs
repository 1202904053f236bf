namespace AudioMix.Cli.Remote;

/// <summary>The server answered with an error (RFC 9457 problem details), or could not be reached.</summary>
internal sealed class AudioMixServerException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status, or null when the server was not reached.</summary>
    public int? StatusCode { get; } = statusCode;
}
