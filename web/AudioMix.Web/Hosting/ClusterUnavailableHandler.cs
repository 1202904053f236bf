using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using AudioMix.Grains;

namespace AudioMix.Web.Hosting;

/// <summary>
/// Answers 503 Service Unavailable (problem details, <c>Retry-After: 5</c>) when a grain call fails because part of the
/// cluster is gone or overloaded: a silo died and membership has not yet declared it dead, a gateway is saturated, or a
/// call timed out. These are transient — the grain re-activates elsewhere within seconds — and a client should retry,
/// not treat them as a server bug (500).
/// </summary>
internal sealed partial class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!ClusterFaults.IsTransient(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The cluster is briefly unavailable",
                Detail = "A silo holding this resource stopped or is overloaded; it is re-activated elsewhere within seconds. Retry the request.",
            },
        });
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "{Method} {Path}: cluster unavailable ({Type}: {Message}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string type, string message);
}
