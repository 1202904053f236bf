namespace AudioMix.Abstractions.Security;

/// <summary>What a key may do: read its owner's data, also change it, or everything of every owner plus key management.</summary>
[GenerateSerializer]
public enum ApiKeyRole
{
    /// <summary>Reads its owner's datasets, jobs and outputs.</summary>
    Reader,

    /// <summary>Also creates, uploads, starts, reviews and deletes.</summary>
    Writer,

    /// <summary>Everything of every owner, and key management.</summary>
    Admin,
}

/// <summary>
/// One API key as stored: never the key itself, only a random salt and the SHA-256 of salt and secret (the secret is
/// 256 random bits, so a fast hash is not open to guessing; the salt keeps equal secrets from hashing alike).
/// </summary>
/// <param name="Id">Public id, also the key's prefix (how a presented key finds its record).</param>
/// <param name="Name">What the key is for (free text).</param>
/// <param name="Role">What it may do.</param>
/// <param name="Owner">The tenant whose datasets and jobs it sees and creates.</param>
/// <param name="Salt">Base64 random salt.</param>
/// <param name="Hash">Base64 SHA-256 of salt ‖ secret.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="RevokedAt">When it was revoked; a revoked key authenticates nothing.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    string Id, string Name, ApiKeyRole Role, string Owner, string Salt, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt = null);

/// <summary>The API keys of the service (one grain, key <see cref="Key"/>); the web hosts verify presented keys against it.</summary>
[Alias("AudioMix.IApiKeyRegistryGrain")]
public interface IApiKeyRegistryGrain : IGrainWithStringKey
{
    /// <summary>The registry's grain key.</summary>
    const string Key = "keys";

    /// <summary>Most keys kept (revoked ones count: they stay listed); bounds the registry's state.</summary>
    const int Capacity = 10_000;

    /// <summary>Stores a new key; throws <see cref="InvalidOperationException"/> if the id is taken or the registry is full.</summary>
    [Alias("Add")]
    Task AddAsync(ApiKeyRecord record);

    /// <summary>The key with this id (revoked or not), or null.</summary>
    [Alias("Get")]
    Task<ApiKeyRecord?> GetAsync(string id);

    /// <summary>Every key, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync();

    /// <summary>Revokes a key (once; revoking again keeps the first time); null for an unknown id.</summary>
    [Alias("Revoke")]
    Task<ApiKeyRecord?> RevokeAsync(string id);
}
