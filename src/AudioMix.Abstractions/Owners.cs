namespace AudioMix.Abstractions;

/// <summary>Who datasets and jobs belong to: the owner (tenant name) of the API key that created them.</summary>
public static class Owners
{
    /// <summary>
    /// The owner of everything created without a key (auth mode None, a loopback single user) and of datasets and jobs
    /// saved before owners were recorded: their state has no owner, and they are read as this one's.
    /// </summary>
    public const string Default = "default";

    /// <summary>The recorded owner, or <see cref="Default"/> for state saved without one.</summary>
    public static string OrDefault(string? owner) => string.IsNullOrWhiteSpace(owner) ? Default : owner;
}
