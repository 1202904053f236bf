using System.Security.Claims;
using AudioMix.Abstractions;
using AudioMix.Abstractions.Security;

namespace AudioMix.Web.Security;

/// <summary>Who is calling: the key's id and name, its owner (tenant) and its role.</summary>
internal sealed record Caller(string KeyId, string KeyName, string Owner, ApiKeyRole Role)
{
    /// <summary>The claim holding the owner.</summary>
    public const string OwnerClaim = "audiomix:owner";

    /// <summary>Everyone in auth mode None: the local administrator, owner <see cref="Owners.Default"/>.</summary>
    public static readonly Caller Local = new("local", "local (AudioMix:Auth:Mode=None)", Owners.Default, ApiKeyRole.Admin);

    public bool IsAdmin => Role == ApiKeyRole.Admin;

    public bool CanWrite => Role is ApiKeyRole.Writer or ApiKeyRole.Admin;

    /// <summary>Whether something of <paramref name="owner"/> (null: saved before owners) is visible to this caller.</summary>
    public bool Sees(string? owner) => IsAdmin || string.Equals(Owners.OrDefault(owner), Owner, StringComparison.Ordinal);

    /// <summary>The role's name on the wire and in claims (reader, writer, admin).</summary>
    public static string RoleName(ApiKeyRole role) => role.ToString().ToLowerInvariant();

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, KeyId),
            new Claim(ClaimTypes.Name, KeyName),
            new Claim(ClaimTypes.Role, RoleName(Role)),
            new Claim(OwnerClaim, Owner),
        ],
        authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The caller an authenticated principal stands for, or null (not authenticated, or not one of ours).</summary>
    public static Caller? FromPrincipal(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true
            || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id
            || user.FindFirstValue(OwnerClaim) is not { } owner
            || !Enum.TryParse<ApiKeyRole>(user.FindFirstValue(ClaimTypes.Role), ignoreCase: true, out var role))
        {
            return null;
        }

        return new Caller(id, user.FindFirstValue(ClaimTypes.Name) ?? id, owner, role);
    }
}

/// <summary>The caller of the current HTTP request (set by authentication; endpoints behind the access policy always have one).</summary>
internal static class HttpContextCallerExtensions
{
    public static Caller Caller(this HttpContext context) =>
        Security.Caller.FromPrincipal(context.User) ?? throw new InvalidOperationException("The request has no authenticated caller.");
}
