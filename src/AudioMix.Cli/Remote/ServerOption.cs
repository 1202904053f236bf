using System.CommandLine;

namespace AudioMix.Cli.Remote;

/// <summary>The <c>--server URL</c> option every remote command takes.</summary>
internal static class ServerOption
{
    public static Option<string?> Create() => new("--server")
    {
        Description = $"AudioMix server URL (default: ${AudioMixClient.ServerVariable} or {AudioMixClient.DefaultServer}).",
    };
}
