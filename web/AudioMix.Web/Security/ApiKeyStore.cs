using System.Collections.Concurrent;
using AudioMix.Abstractions.Security;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Security;

/// <summary>
/// Verifies presented keys against the key registry grain and manages keys. What it reads of a key is trusted for
/// <see cref="AuthOptions.KeyCacheSeconds"/> (so a busy client costs one grain call per key per interval, not per
/// request); revoking through this host forgets the key at once, through another host within that interval.
/// </summary>
internal sealed partial class ApiKeyStore(IGrainFactory grains, IOptions<AuthOptions> options, TimeProvider time, ILogger<ApiKeyStore> logger)
{
    /// <summary>The id the bootstrap administrator key (<see cref="AuthOptions.AdminKey"/>) authenticates as.</summary>
    public const string BootstrapAdminId = "bootstrap-admin";

    // Bounds the cache against a flood of made-up ids: past this many entries it starts over.
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Record, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    private IApiKeyRegistryGrain Registry => grains.GetGrain<IApiKeyRegistryGrain>(IApiKeyRegistryGrain.Key);

    /// <summary>The caller a presented key stands for, or null (malformed, unknown, revoked or wrong secret).</summary>
    public async Task<Caller?> AuthenticateAsync(string presented)
    {
        presented = presented.Trim();
        if (options.Value.AdminKey is { Length: > 0 } admin && ApiKeySecrets.SameText(presented, admin.Trim()))
        {
            return BootstrapAdmin;
        }

        if (!ApiKeySecrets.TryParse(presented, out var id, out var secret))
        {
            return null;
        }

        var record = await GetAsync(id);
        return record is { RevokedAt: null } && ApiKeySecrets.Matches(record, secret) ? ToCaller(record) : null;
    }

    /// <summary>Whether the key a signed-in dashboard session was made with still works (checked on every request, cached).</summary>
    public async Task<bool> IsActiveAsync(string keyId) => keyId == BootstrapAdminId
        ? options.Value.AdminKey is { Length: > 0 }
        : await GetAsync(keyId) is { RevokedAt: null };

    /// <summary>Makes a key; the answer's <c>Key</c> is the only time the secret exists outside the caller's hands.</summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateAsync(string name, ApiKeyRole role, string owner)
    {
        var (record, key) = ApiKeySecrets.Create(name, role, owner, time.GetUtcNow());
        await Registry.AddAsync(record);
        LogCreated(logger, record.Id, name, Caller.RoleName(role), owner);
        return (record, key);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync() => Registry.ListAsync();

    public async Task<ApiKeyRecord?> RevokeAsync(string id)
    {
        var record = await Registry.RevokeAsync(id);
        _cache.TryRemove(id, out _);
        if (record is not null)
        {
            LogRevoked(logger, id);
        }

        return record;
    }

    private static readonly Caller BootstrapAdmin = new(BootstrapAdminId, "bootstrap admin (AudioMix:Auth:AdminKey)", AudioMix.Abstractions.Owners.Default, ApiKeyRole.Admin);

    private static Caller ToCaller(ApiKeyRecord record) => new(record.Id, record.Name, record.Owner, record.Role);

    private async Task<ApiKeyRecord?> GetAsync(string id)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Record;
        }

        var record = await Registry.GetAsync(id);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[id] = (record, now.AddSeconds(options.Value.KeyCacheSeconds));
        return record;
    }

    // Ids, names, roles and owners only: a key's secret is never logged.
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "API key {KeyId} created: \"{Name}\", role {Role}, owner {Owner}")]
    private static partial void LogCreated(ILogger logger, string keyId, string name, string role, string owner);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "API key {KeyId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId);
}
