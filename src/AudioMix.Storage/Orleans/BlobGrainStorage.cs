using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace AudioMix.Storage.GrainStorage;

/// <summary>
/// Orleans grain storage over an <see cref="IBlobStore"/>, with the optimistic-concurrency semantics of Orleans'
/// Azure blob provider (dotnet/orleans: src/Azure/Orleans.Persistence.AzureStorage/Providers/Storage/AzureBlobStorage.cs):
/// a null ETag writes create-only, a known ETag writes If-Match, and a refused condition raises
/// <see cref="InconsistentStateException"/>.
/// </summary>
/// <remarks>
/// One blob per (service, state name, grain): <c>{KeyPrefix}/{serviceId}/{stateName}/{grainType}/{grainKey}.json</c>,
/// each part escaped with <see cref="BlobKey.EscapeSegment"/>. An empty blob means "cleared": it reads as
/// <c>RecordExists = false</c> but keeps its ETag.
/// </remarks>
public sealed class BlobGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly BlobGrainStorageOptions _options;
    private readonly IBlobStore _store;
    private readonly IActivatorProvider _activators;
    private readonly string _keyRoot;
    private readonly string _contentType;

    /// <summary>Creates the provider.</summary>
    /// <param name="name">The provider name (used in error messages).</param>
    /// <param name="options">The provider options; <see cref="BlobGrainStorageOptions.GrainStorageSerializer"/> must be set.</param>
    /// <param name="store">The blob store holding the state blobs.</param>
    /// <param name="serviceId">The Orleans service id (separates services sharing a store).</param>
    /// <param name="activators">Creates fresh state instances for missing or cleared records.</param>
    public BlobGrainStorage(string name, BlobGrainStorageOptions options, IBlobStore store, string serviceId, IActivatorProvider activators)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(activators);
        if (options.GrainStorageSerializer is null)
        {
            throw new ArgumentException($"Grain storage '{name}' has no GrainStorageSerializer configured.", nameof(options));
        }

        _name = name;
        _options = options;
        _store = store;
        _activators = activators;
        _contentType = options.ContentType
            ?? (options.GrainStorageSerializer is JsonGrainStorageSerializer or SystemTextJsonGrainStorageSerializer
                ? "application/json"
                : BlobWriteOptions.DefaultContentType);
        _keyRoot = BlobKey.Validate(options.KeyPrefix, nameof(options)) + "/" + BlobKey.EscapeSegment(serviceId) + "/";
    }

    /// <summary>The blob key holding a grain's state (exposed for diagnostics and tests).</summary>
    /// <param name="stateName">The state name.</param>
    /// <param name="grainId">The grain id.</param>
    public string GetBlobKey(string stateName, GrainId grainId) =>
        _keyRoot + BlobKey.EscapeSegment(stateName) + "/" + BlobKey.EscapeSegment(grainId.Type.ToString()!) + "/"
        + BlobKey.EscapeSegment(grainId.Key.ToString()!) + ".json";

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GetBlobKey(stateName, grainId);
        BlobReadStream stream;
        try
        {
            stream = await _store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = CreateState<T>();
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            grainState.ETag = stream.Properties.ETag;
            if (stream.Length == 0)
            {
                // Cleared (see ClearStateAsync): keep the ETag so the next write is still guarded.
                grainState.RecordExists = false;
                grainState.State = CreateState<T>();
                return;
            }

            T? state;
            try
            {
                state = _options.GrainStorageSerializer is IGrainStorageStreamingSerializer streaming
                    ? await streaming.DeserializeAsync<T>(stream, cancellationToken).ConfigureAwait(false)
                    : _options.GrainStorageSerializer.Deserialize<T>(await BinaryData.FromStreamAsync(stream, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new OrleansException($"Grain storage '{_name}' could not deserialize the {typeof(T).Name} state in blob '{key}': {e.Message}", e);
            }

            grainState.State = state ?? CreateState<T>();
            grainState.RecordExists = true;
        }
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GetBlobKey(stateName, grainId);
        var data = _options.GrainStorageSerializer.Serialize(grainState.State);
        var content = data.ToStream();
        await using (content.ConfigureAwait(false))
        {
            var written = await GuardAsync(
                key,
                grainState.ETag,
                condition => _store.WriteAsync(key, content, new BlobWriteOptions { Condition = condition, ContentType = _contentType }, cancellationToken)).ConfigureAwait(false);
            grainState.ETag = written.ETag;
            grainState.RecordExists = true;
        }
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GetBlobKey(stateName, grainId);
        if (_options.DeleteStateOnClear)
        {
            await GuardAsync(key, grainState.ETag, condition => _store.DeleteAsync(key, condition, cancellationToken)).ConfigureAwait(false);
            grainState.ETag = null;
        }
        else
        {
            var written = await GuardAsync(
                key,
                grainState.ETag,
                condition => _store.WriteAsync(key, Stream.Null, new BlobWriteOptions { Condition = condition, ContentType = _contentType }, cancellationToken)).ConfigureAwait(false);
            grainState.ETag = written.ETag;
        }

        grainState.RecordExists = false;
        grainState.State = CreateState<T>();
    }

    // A null ETag means "never seen a record": create-only. Otherwise the stored version must be the one we read.
    private async Task<TResult> GuardAsync<TResult>(string key, string? etag, Func<BlobCondition, Task<TResult>> operation)
    {
        var condition = string.IsNullOrEmpty(etag) ? BlobCondition.IfNotExists : BlobCondition.IfMatch(etag);
        try
        {
            return await operation(condition).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException e)
        {
            throw new InconsistentStateException(
                $"Grain storage '{_name}': version conflict on blob '{key}' (the grain holds ETag {etag ?? "(none)"}, storage holds {e.CurrentETag ?? "(none/unknown)"}). Re-read the state before writing again.",
                e.CurrentETag ?? "Unknown",
                etag ?? string.Empty,
                e);
        }
    }

    private T CreateState<T>() => _activators.GetActivator<T>().Create();
}
