using Microsoft.AspNetCore.Antiforgery;

namespace AudioMix.Web.Security;

/// <summary>
/// A browser signed in to the dashboard calls the API with its cookie (uploads, downloads). A state-changing API call
/// authenticated by that cookie must also carry the antiforgery token (header <see cref="HeaderName"/>, which the
/// dashboard's pages hold), so another site cannot make the browser act; calls with a key in a header cannot be forged
/// by another site and need none. Forms the framework binds are already checked by <c>UseAntiforgery</c>.
/// </summary>
internal sealed class CookieAntiforgeryMiddleware(RequestDelegate next)
{
    public const string HeaderName = "RequestVerificationToken";

    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (context.User.Identity?.AuthenticationType == DashboardCookie.SchemeName
            && !MethodRoleRequirement.IsRead(context.Request.Method)
            && context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: true }
            && !await antiforgery.IsRequestValidAsync(context))
        {
            await AuthProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Antiforgery token missing or invalid",
                $"A dashboard (cookie) request that changes data must carry the page's antiforgery token in the {HeaderName} header; API clients send their key instead.");
            return;
        }

        await next(context);
    }
}
