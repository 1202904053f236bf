using Microsoft.AspNetCore.Http.HttpResults;

namespace AudioMix.Web.Apis;

/// <summary>
/// <c>GET /health</c>: whether the grains are reachable, and which silos are active. In Client mode the web host
/// answers HTTP long before (and long after) the cluster does, so liveness of the process alone says little; this
/// asks the membership through the management grain. <c>/api/health</c> stays the process-only probe.
/// </summary>
internal static partial class HealthApi
{
    // Long enough for a gateway switch after a silo died, short enough for a probe.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", CheckAsync).WithTags("Health").AllowAnonymous();
        return routes;
    }

    /// <summary>The answer: <c>ok</c> with the active silos' names, or <c>unavailable</c> (503) with the reason.</summary>
    internal sealed record ClusterHealth(string Status, IReadOnlyList<string> Silos, string? Error = null);

    internal static async Task<Results<Ok<ClusterHealth>, JsonHttpResult<ClusterHealth>>> CheckAsync(
        IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return TypedResults.Ok(new ClusterHealth("ok", [.. hosts.Select(h => h.SiloName).Order(StringComparer.Ordinal)]));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure to reach the membership (no gateway, timeout, rejection) is what this probe reports.
            LogUnavailable(loggers.CreateLogger(typeof(HealthApi)), ex);
            return TypedResults.Json(new ClusterHealth("unavailable", [], ex.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Health check: the cluster is not reachable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
