using System.Text.RegularExpressions;
using AudioMix.Abstractions.Security;
using AudioMix.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AudioMix.Web.Apis;

/// <summary><c>/api/keys</c> (admin only): create a key (its secret is answered once), list keys (no secrets), revoke one.</summary>
internal static partial class KeysApi
{
    private const int MaxNameLength = 100;

    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(AccessPolicies.Admin);
        api.MapPost("/", CreateAsync);
        api.MapGet("/", ListAsync);
        api.MapDelete("/{id}", RevokeAsync);
        return api;
    }

    /// <summary>Body of <c>POST /api/keys</c>.</summary>
    internal sealed record CreateKeyRequest(string? Name, string? Role, string? Owner);

    /// <summary>The answer to a creation: the only time the key itself is shown.</summary>
    internal sealed record CreatedKey(string Id, string Key, string Name, string Role, string Owner, DateTimeOffset CreatedAt);

    /// <summary>A key as listed: everything but the secret (which is not stored anyway).</summary>
    internal sealed record KeyInfo(string Id, string Name, string Role, string Owner, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    internal static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateAsync(CreateKeyRequest request, ApiKeyStore keys)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength)
        {
            return BadRequest($"A key needs a \"name\" of 1 to {MaxNameLength} characters.");
        }

        if (!Enum.TryParse<ApiKeyRole>(request.Role, ignoreCase: true, out var role) || int.TryParse(request.Role, out _))
        {
            return BadRequest($"\"role\" must be reader, writer or admin (got \"{request.Role}\").");
        }

        if (request.Owner is null || !OwnerName().IsMatch(request.Owner))
        {
            return BadRequest($"\"owner\" must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit (got \"{request.Owner}\").");
        }

        try
        {
            var (record, key) = await keys.CreateAsync(request.Name.Trim(), role, request.Owner);
            return TypedResults.Created($"/api/keys/{record.Id}", new CreatedKey(record.Id, key, record.Name, Caller.RoleName(record.Role), record.Owner, record.CreatedAt));
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    internal static async Task<Ok<IReadOnlyList<KeyInfo>>> ListAsync(ApiKeyStore keys) =>
        TypedResults.Ok<IReadOnlyList<KeyInfo>>([.. (await keys.ListAsync()).Select(Info)]);

    /// <summary>Revokes a key: it authenticates nothing from now on (on other web hosts within <c>AudioMix:Auth:KeyCacheSeconds</c>).</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyStore keys) =>
        await keys.RevokeAsync(id) is not null
            ? TypedResults.NoContent()
            : TypedResults.Problem($"API key {id} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static KeyInfo Info(ApiKeyRecord r) => new(r.Id, r.Name, Caller.RoleName(r.Role), r.Owner, r.CreatedAt, r.RevokedAt);

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex OwnerName();
}
