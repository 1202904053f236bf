using Microsoft.AspNetCore.Mvc;

namespace AudioMix.Web.Security;

/// <summary>Problem-details answers of authentication and authorisation (401, 403, 404 for another owner's ids, 429).</summary>
internal static class AuthProblems
{
    public const string MissingKey = "Send an API key as \"Authorization: Bearer <key>\" or \"X-Api-Key: <key>\" (AudioMix:Auth:Mode is ApiKey).";

    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var details = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            details.Extensions[key] = value;
        }

        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details }))
        {
            await context.Response.WriteAsJsonAsync(details, options: null, contentType: "application/problem+json");
        }
    }

    public static Task UnauthorizedAsync(HttpContext context, string? detail = null)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required", detail ?? MissingKey);
    }

    public static Task ForbiddenAsync(HttpContext context)
    {
        var caller = Caller.FromPrincipal(context.User);
        var role = caller is null ? "this key" : $"a {Caller.RoleName(caller.Role)} key";
        return WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed for this role",
            $"{context.Request.Method} {context.Request.Path} is not allowed for {role}: reading needs reader, changing needs writer, key management needs admin.");
    }
}
