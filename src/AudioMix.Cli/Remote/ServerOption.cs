using System.CommandLine;

namespace AudioMix.Cli.Remote;

/// <summary>The <c>--server URL</c> and <c>--api-key KEY</c> options every remote command takes.</summary>
internal static class ServerOption
{
    public static RemoteOptions Create() => new(
        new Option<string?>("--server")
        {
            Description = $"AudioMix server URL (default: ${AudioMixClient.ServerVariable} or {AudioMixClient.DefaultServer}).",
        },
        new Option<string?>("--api-key")
        {
            Description = $"API key sent as \"Authorization: Bearer\" (default: ${AudioMixClient.ApiKeyVariable}); needed when the server runs with AudioMix:Auth:Mode=ApiKey.",
        });

    /// <summary>Lets a command's collection initializer take both options at once (<c>new Command(...) { id, server }</c>).</summary>
    public static void Add(this Command command, RemoteOptions options)
    {
        command.Add(options.Server);
        command.Add(options.ApiKey);
    }
}

/// <summary>Where the server is and which key to send.</summary>
internal sealed record RemoteOptions(Option<string?> Server, Option<string?> ApiKey)
{
    /// <summary>A client for the parsed server and key (each falling back to its environment variable).</summary>
    public AudioMixClient Connect(ParseResult parse) =>
        new(AudioMixClient.ResolveServer(parse.GetValue(Server)), AudioMixClient.ResolveApiKey(parse.GetValue(ApiKey)));
}
