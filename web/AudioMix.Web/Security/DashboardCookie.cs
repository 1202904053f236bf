using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AudioMix.Web.Security;

/// <summary>
/// The dashboard's sign-in: the key is checked once at sign-in; the cookie then holds the caller (key id, owner, role),
/// encrypted and signed by data protection, HTTP-only and SameSite=Strict. Every request re-checks that the key still
/// exists and is not revoked (through the cached key store), so revoking a key also ends its dashboard sessions.
/// </summary>
internal static class DashboardCookie
{
    public const string SchemeName = "AudioMix.Cookie";
    public const string CookieName = "AudioMix.Session";
    public const string SignInPath = "/signin";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = TimeSpan.FromHours(12);
        options.SlidingExpiration = true;
        options.LoginPath = SignInPath;
        options.LogoutPath = "/account/signout";
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = async context =>
            {
                var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                if (Caller.FromPrincipal(context.Principal) is not { } caller || !await keys.IsActiveAsync(caller.KeyId))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(SchemeName);
                }
            },
            // The API answers 401/403 problem details to a browser too; pages go to the sign-in form.
            OnRedirectToLogin = context => IsApi(context.Request)
                ? AuthProblems.UnauthorizedAsync(context.HttpContext)
                : Redirect(context),
            OnRedirectToAccessDenied = context => IsApi(context.Request)
                ? AuthProblems.ForbiddenAsync(context.HttpContext)
                : Redirect(context),
        };
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
