using Microsoft.AspNetCore.Authorization;

namespace AudioMix.Web.Security;

/// <summary>
/// The authorisation policies. <see cref="Access"/> is also the fallback policy, so every endpoint that says nothing
/// (including ones added later) needs an authenticated caller, and under /api a writer or admin for anything but GET/HEAD/OPTIONS;
/// key management asks for <see cref="Admin"/>; health, sign-in, static files and the API reference opt out.
/// </summary>
internal static class AccessPolicies
{
    public const string Access = "AudioMix.Access";
    public const string Admin = "AudioMix.Admin";

    public static AuthorizationPolicy AccessPolicy { get; } = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .AddRequirements(new MethodRoleRequirement())
        .Build();

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Access, AccessPolicy);
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Caller.RoleName(Abstractions.Security.ApiKeyRole.Admin)));
        options.FallbackPolicy = AccessPolicy;
    }
}

/// <summary>
/// Under <c>/api</c>, reads (GET, HEAD, OPTIONS) need any role and every other method writer or admin. Elsewhere (the
/// dashboard's pages, its circuit connection, sign-out) any signed-in caller may post: the dashboard's own actions are
/// checked by its services (a reader's circuit can change nothing).
/// </summary>
internal sealed class MethodRoleRequirement : AuthorizationHandler<MethodRoleRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MethodRoleRequirement requirement)
    {
        if (Caller.FromPrincipal(context.User) is { } caller
            && (caller.CanWrite || (context.Resource is HttpContext http && (IsRead(http.Request.Method) || !IsApi(http.Request)))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
