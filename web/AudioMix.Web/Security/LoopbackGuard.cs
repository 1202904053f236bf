using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Security;

/// <summary>Auth mode None on an address other machines can reach: the host refuses to run.</summary>
internal sealed class InsecureBindingException(string message) : Exception(message);

/// <summary>
/// Stops the host at start when <c>AudioMix:Auth:Mode</c> is None and any address it listens on is not loopback
/// (checked on the addresses Kestrel actually bound, however they were configured: --urls, ASPNETCORE_URLS,
/// Kestrel endpoints). The listener exists for the moment between binding and this check; nothing is served from it.
/// </summary>
internal sealed partial class LoopbackGuard(IServer server, IOptions<AuthOptions> options, ILogger<LoopbackGuard> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode != AuthMode.None)
        {
            return Task.CompletedTask;
        }

        var exposed = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Where(a => !IsLoopback(a)).ToArray();
        if (exposed.Length == 0)
        {
            return Task.CompletedTask;
        }

        var message = $"AudioMix:Auth:Mode is None, which is allowed only when every listening address is loopback, but the host listens on "
            + $"{string.Join(", ", exposed)}. Set AudioMix:Auth:Mode=ApiKey (with AudioMix:Auth:AdminKey to bootstrap an administrator) "
            + "or listen on 127.0.0.1 / [::1] / localhost only.";
        LogRefused(logger, message);
        throw new InsecureBindingException(message);
    }

    /// <summary>Whether an address Kestrel reports (<c>http://127.0.0.1:5080</c>, <c>http://[::]:80</c>, <c>http://localhost:5000</c>) is loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        var host = BindingAddress.Parse(address).Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1310, Level = LogLevel.Critical, Message = "{Message}")]
    private static partial void LogRefused(ILogger logger, string message);
}
