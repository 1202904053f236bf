using AudioMix.Abstractions.Security;

namespace AudioMix.Grains.Security;

/// <summary>Persisted state of the key registry: salted hashes only, never a key.</summary>
[GenerateSerializer, Alias("AudioMix.ApiKeyRegistryState")]
public sealed class ApiKeyRegistryState
{
    [Id(0)] public Dictionary<string, ApiKeyRecord> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The API keys, kept in grain storage (so on the filesystem or Azure Blob store like every other state). Small
/// (≤ <see cref="IApiKeyRegistryGrain.Capacity"/> records of a few hundred bytes); web hosts cache what they read.
/// </summary>
internal sealed class ApiKeyRegistryGrain(
    [PersistentState("apikeys", StorageNames.GrainState)] IPersistentState<ApiKeyRegistryState> state) : Grain, IApiKeyRegistryGrain
{
    public async Task AddAsync(ApiKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (state.State.Keys.ContainsKey(record.Id))
        {
            throw new InvalidOperationException($"An API key with id {record.Id} already exists.");
        }

        if (state.State.Keys.Count >= IApiKeyRegistryGrain.Capacity)
        {
            throw new InvalidOperationException($"The registry holds its maximum of {IApiKeyRegistryGrain.Capacity} keys.");
        }

        state.State.Keys[record.Id] = record;
        await state.WriteStateAsync();
    }

    public Task<ApiKeyRecord?> GetAsync(string id) =>
        Task.FromResult(state.State.Keys.GetValueOrDefault(id));

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>(
            state.State.Keys.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToArray());

    public async Task<ApiKeyRecord?> RevokeAsync(string id)
    {
        if (!state.State.Keys.TryGetValue(id, out var record))
        {
            return null;
        }

        if (record.RevokedAt is null)
        {
            record = record with { RevokedAt = DateTimeOffset.UtcNow };
            state.State.Keys[id] = record;
            await state.WriteStateAsync();
        }

        return record;
    }
}
