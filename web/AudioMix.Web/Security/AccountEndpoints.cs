using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Security;

/// <summary>
/// The dashboard's sign-in page (<c>GET /signin</c>, a plain form so it works before any circuit exists), sign-in
/// (<c>POST /account/signin</c>: checks the key once, then sets the session cookie) and sign-out
/// (<c>POST /account/signout</c>). Both posts are forms and so carry the antiforgery token.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(DashboardCookie.SignInPath, SignInPage).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost("/account/signin", SignInAsync).AllowAnonymous().ExcludeFromDescription();
        // Any signed-in caller may sign out, readers included: not subject to the write rule.
        routes.MapPost("/account/signout", SignOutAsync).RequireAuthorization(p => p.RequireAuthenticatedUser()).ExcludeFromDescription();
        return routes;
    }

    internal static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, IOptions<AuthOptions> auth, string? returnUrl = null, string? failed = null)
    {
        if (auth.Value.Mode == AuthMode.None)
        {
            return TypedResults.LocalRedirect("/");
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        var error = failed is null ? "" : "<p class=\"error\" data-testid=\"signin-error\">That key is unknown or has been revoked.</p>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · AudioMix</title><link rel="icon" href="data:,">
            <style>
              body { font-family: Roboto, Helvetica, Arial, sans-serif; background: #f5f5f5; margin: 0; }
              header { background: #283593; color: #fff; padding: 12px 24px; font-size: 1.25rem; }
              main { max-width: 480px; margin: 64px auto; background: #fff; padding: 24px; border-radius: 4px; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
              label { display: block; margin-bottom: 8px; } input[type=password] { width: 100%; padding: 8px; box-sizing: border-box; }
              button { margin-top: 16px; background: #3949ab; color: #fff; border: 0; padding: 8px 16px; border-radius: 4px; cursor: pointer; }
              .error { color: #c62828; }
            </style></head>
            <body><header>AudioMix</header><main>
              <h1>Sign in</h1>
              <p>Paste your AudioMix API key. It is checked once; the browser then keeps a session cookie, not the key.</p>
              {{error}}
              <form method="post" action="/account/signin">
                <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
                <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(LocalOrRoot(returnUrl))}}">
                <label for="key">API key</label>
                <input id="key" name="key" type="password" autocomplete="off" required data-testid="signin-key">
                <button type="submit" data-testid="signin-submit">Sign in</button>
              </form>
            </main></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    internal static async Task<IResult> SignInAsync(HttpContext context, ApiKeyStore keys, [FromForm] string? key, [FromForm] string? returnUrl)
    {
        var target = LocalOrRoot(returnUrl);
        if (string.IsNullOrWhiteSpace(key) || await keys.AuthenticateAsync(key) is not { } caller)
        {
            return TypedResults.LocalRedirect($"{DashboardCookie.SignInPath}?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }

        await context.SignInAsync(DashboardCookie.SchemeName, caller.ToPrincipal(DashboardCookie.SchemeName),
            new AuthenticationProperties { IsPersistent = false });
        return TypedResults.LocalRedirect(target);
    }

    internal static async Task<IResult> SignOutAsync(HttpContext context, [FromForm] string? returnUrl)
    {
        await context.SignOutAsync(DashboardCookie.SchemeName);
        return TypedResults.LocalRedirect($"{DashboardCookie.SignInPath}?returnUrl={Uri.EscapeDataString(LocalOrRoot(returnUrl))}");
    }

    // Only a path on this site: a sign-in link must not send the browser elsewhere afterwards (open redirect).
    private static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
