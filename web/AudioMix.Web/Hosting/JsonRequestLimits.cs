using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using AudioMix.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Hosting;

/// <summary>
/// Bounds the body of every endpoint that reads JSON (those whose metadata accepts <c>application/json</c>) to
/// <see cref="AudioMixWebOptions.MaxJsonBodyBytes"/>: a declared <c>Content-Length</c> over it is answered 413 before
/// anything is read, and a chunked body is cut off by Kestrel at the same size (see <see cref="BadRequestHandler"/>).
/// </summary>
internal static class JsonRequestLimits
{
    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>();
        if (accepts is null || !accepts.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        var max = context.RequestServices.GetRequiredService<IOptions<AudioMixWebOptions>>().Value.MaxJsonBodyBytes;
        if (context.Request.ContentLength > max)
        {
            await Results.Problem(BadRequestHandler.BodyTooLarge(max), statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large")
                .ExecuteAsync(context);
            return;
        }

        // A body without a declared length is counted as it is read. (Kestrel's own body-size limit would surface as an
        // IOException, which the minimal APIs' JSON binding swallows into a bare 400.)
        long read = 0;
        context.Request.Body = new CountingReadStream(context.Request.Body, n =>
        {
            read += n;
            if (read > max)
            {
                throw new JsonBodyTooLargeException(BadRequestHandler.BodyTooLarge(max));
            }
        });
        await next(context);
    });
}

/// <summary>A JSON request body went over <c>AudioMix:Web:MaxJsonBodyBytes</c> while it was read.</summary>
internal sealed class JsonBodyTooLargeException(string message) : Exception(message);

/// <summary>
/// Turns a request the API could not bind (<see cref="BadHttpRequestException"/>, thrown because
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on) into problem details that say what was wrong: the JSON
/// property no field of the request has (unknown fields are refused, as unknown op parameters are), the malformed
/// JSON, or the body over <c>AudioMix:Web:MaxJsonBodyBytes</c>. Without this, minimal APIs answer such requests with
/// an empty 400.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems, IOptions<AudioMixWebOptions> options) : IExceptionHandler
{
    public static string BodyTooLarge(long max) =>
        $"The request body is larger than {max} bytes (AudioMix:Web:MaxJsonBodyBytes).";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            JsonBodyTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "The request body is too large", BodyTooLarge(options.Value.MaxJsonBodyBytes)),
            BadHttpRequestException { InnerException: JsonException json } =>
                (StatusCodes.Status400BadRequest, "The request body is not valid", DescribeJson(json)),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid", bad.Message),
            _ => (0, string.Empty, string.Empty),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    // System.Text.Json names the unmapped property and its path ("The JSON property 'x' could not be mapped to any .NET
    // member contained in type '...'", Path: $.x); the .NET type name means nothing to a client, the path does.
    private static string DescribeJson(JsonException json) =>
        json.Message.Contains("could not be mapped", StringComparison.Ordinal) && json.Path is { } path
            ? $"Unknown field '{path.TrimStart('$', '.')}' in the request body; fields this endpoint does not know are refused."
            : $"The request body is not valid JSON for this endpoint: {json.Message}";
}
