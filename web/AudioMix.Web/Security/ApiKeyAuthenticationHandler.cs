using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>; in auth mode None every
/// request is the local administrator (<see cref="Caller.Local"/>). Challenges answer 401 and forbids 403, both as
/// problem details.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggers, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>Whether the request carries a key in one of the two accepted headers.</summary>
    public static bool HasKey(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName)
        || request.Headers.Authorization.Any(v => v?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (auth.Value.Mode == AuthMode.None)
        {
            return Success(Caller.Local);
        }

        var presented = Presented(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        // The failure reason names no part of the key: authentication failures are logged by ASP.NET.
        return await keys.AuthenticateAsync(presented) is { } caller ? Success(caller) : AuthenticateResult.Fail("Unknown or revoked API key.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthProblems.UnauthorizedAsync(Context, HasKey(Request) ? "The API key is unknown or has been revoked." : null);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.ForbiddenAsync(Context);

    private static AuthenticateResult Success(Caller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.Authorization.FirstOrDefault(v => v?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true) is { } bearer)
        {
            return bearer["Bearer ".Length..].Trim();
        }

        return request.Headers.TryGetValue(HeaderName, out var key) && !string.IsNullOrWhiteSpace(key) ? key.ToString().Trim() : null;
    }
}
