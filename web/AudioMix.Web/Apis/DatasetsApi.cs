using AudioMix.Abstractions.Datasets;
using AudioMix.Storage;
using AudioMix.Web.Hosting;
using AudioMix.Web.Security;
using AudioMix.Web.Services;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Apis;

/// <summary><c>/api/datasets</c>: create, list, rename and delete datasets, upload audio, page items, stream an item's audio.</summary>
internal static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        // Every {id} route of the group (and any added later) reaches only its owner's datasets: others answer 404.
        var api = routes.MapGroup("/api/datasets").WithTags("Datasets").OwnedBy(OwnedResourceKind.Dataset);
        api.MapPost("/", CreateAsync);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        api.MapPatch("/{id}", RenameAsync);
        api.MapDelete("/{id}", DeleteAsync);
        api.MapPost("/{id}/items", UploadAsync).DisableAntiforgery().RequireRateLimiting(SecurityHostingExtensions.UploadsPolicy);
        api.MapGet("/{id}/items", ItemsAsync);
        api.MapGet("/{id}/items/{itemId}", ItemAsync);
        api.MapGet("/{id}/items/{itemId}/audio", AudioAsync);
        api.MapGet("/{id}/items/{itemId}/spectrogram.png", PreviewsApi.ItemAsync);
        return api;
    }

    /// <summary>Body of <c>POST /api/datasets</c>.</summary>
    internal sealed record CreateDatasetRequest(string? Name, string? Kind);

    /// <summary>Body of <c>PATCH /api/datasets/{id}</c>.</summary>
    internal sealed record UpdateDatasetRequest(string? Name);

    /// <summary>Answer of an upload.</summary>
    internal sealed record UploadResponse(DatasetSummary Dataset, IReadOnlyList<DatasetItem> Accepted, IReadOnlyList<UploadRejection> Rejected);

    internal static async Task<Results<Created<DatasetSummary>, ProblemHttpResult>> CreateAsync(CreateDatasetRequest request, IGrainFactory grains, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return MissingName();
        }

        if (!Enum.TryParse<DatasetKind>(request.Kind ?? "sound", ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
        {
            return TypedResults.Problem($"\"kind\" must be music, speech or sound (got \"{request.Kind}\").", statusCode: StatusCodes.Status400BadRequest);
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var summary = await grains.GetGrain<IDatasetGrain>(id).CreateAsync(request.Name, kind, context.Caller().Owner);
        return TypedResults.Created($"/api/datasets/{id}", summary);
    }

    /// <summary>The caller's owner's datasets (an admin's: everyone's).</summary>
    internal static async Task<Ok<IReadOnlyList<DatasetSummary>>> ListAsync(IGrainFactory grains, HttpContext context)
    {
        var caller = context.Caller();
        return TypedResults.Ok<IReadOnlyList<DatasetSummary>>([.. (await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).ListAsync()).Where(d => caller.Sees(d.Owner))]);
    }

    internal static async Task<Results<Ok<DatasetSummary>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IDatasetGrain>(id).GetAsync() is { } summary ? TypedResults.Ok(summary) : NotFound(id);

    /// <summary>Renames a dataset (<c>{"name": "..."}</c>, validated as on create).</summary>
    internal static async Task<Results<Ok<DatasetSummary>, ProblemHttpResult>> RenameAsync(string id, UpdateDatasetRequest request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return MissingName();
        }

        return await grains.GetGrain<IDatasetGrain>(id).RenameAsync(request.Name) is { } summary ? TypedResults.Ok(summary) : NotFound(id);
    }

    /// <summary>
    /// Deletes a dataset: its item blobs and stored pages. Refused (409, naming the jobs) while unfinished jobs use it;
    /// outputs of finished jobs stay. Cached analyses (content-addressed, shared across datasets) stay.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains)
    {
        var deletion = await grains.GetGrain<IDatasetGrain>(id).DeleteAsync();
        return deletion.Outcome switch
        {
            DatasetDeletionOutcome.Deleted => TypedResults.NoContent(),
            DatasetDeletionOutcome.InUse => TypedResults.Problem(
                $"Dataset {id} is used by unfinished jobs ({string.Join(", ", deletion.BlockingJobs)}); cancel them or wait for them to finish, then delete it.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The dataset is in use",
                extensions: new Dictionary<string, object?> { ["jobs"] = deletion.BlockingJobs }),
            _ => NotFound(id),
        };
    }

    internal static async Task<Results<Ok<UploadResponse>, ProblemHttpResult>> UploadAsync(
        string id, HttpRequest request, DatasetUploadService uploads, IGrainFactory grains, IOptions<AudioMixWebOptions> options, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IDatasetGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        if (request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem("Upload audio files as multipart/form-data.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // MaxUploadBytes bounds each file (and each archive) as it streams, so one oversized file is
            // refused by name while the rest of the request is kept; a request-wide cap at the same value
            // would instead abort the whole upload; MaxRequestBytes, far larger, caps the request as a whole.
            size.MaxRequestBodySize = options.Value.MaxRequestBytes;
        }

        UploadResult result;
        try
        {
            result = await uploads.UploadMultipartAsync(id, request.ContentType, request.Body, cancellationToken);
        }
        catch (ArchiveLimitException ex)
        {
            return TypedResults.Problem(
                ex.Message,
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The archive is over a limit",
                extensions: new Dictionary<string, object?> { ["limit"] = ex.Setting });
        }

        if (result.Accepted.Count == 0 && result.Rejected.Count > 0)
        {
            return TypedResults.Problem(
                string.Join("; ", result.Rejected.Select(r => r.Error)),
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "No file of the upload is usable audio",
                extensions: new Dictionary<string, object?> { ["rejected"] = result.Rejected });
        }

        return TypedResults.Ok(new UploadResponse(result.Dataset, result.Accepted, result.Rejected));
    }

    internal static async Task<Results<Ok<ItemPage>, ProblemHttpResult>> ItemsAsync(string id, IGrainFactory grains, int offset = 0, int limit = 50)
    {
        if (await grains.GetGrain<IDatasetGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await grains.GetGrain<IDatasetGrain>(id).GetItemsAsync(offset, limit));
    }

    internal static async Task<Results<Ok<DatasetItem>, ProblemHttpResult>> ItemAsync(string id, string itemId, IGrainFactory grains) =>
        await grains.GetGrain<IDatasetGrain>(id).GetItemAsync(itemId) is { } item
            ? TypedResults.Ok(item)
            : TypedResults.Problem($"Dataset {id} has no item {itemId}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The item's original bytes, with HTTP range support so players can seek.</summary>
    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> AudioAsync(string id, string itemId, IGrainFactory grains, IBlobStore store, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IDatasetGrain>(id).GetItemAsync(itemId) is not { } item)
        {
            return TypedResults.Problem($"Dataset {id} has no item {itemId}.", statusCode: StatusCodes.Status404NotFound);
        }

        return await BlobResults.StreamAsync(store, item.BlobKey, AudioContentTypes.ForFileName(item.FileName), cancellationToken);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"Dataset {id} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult MissingName() =>
        TypedResults.Problem("A dataset needs a non-empty \"name\".", statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>Serves blobs over HTTP with range and ETag support.</summary>
internal static class BlobResults
{
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> StreamAsync(IBlobStore store, string key, string contentType, CancellationToken cancellationToken, string? downloadName = null)
    {
        try
        {
            var stream = await store.OpenReadAsync(key, cancellationToken);
            return TypedResults.Stream(
                stream, contentType, downloadName,
                lastModified: stream.Properties.LastModified,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(stream.Properties.ETag),
                enableRangeProcessing: true);
        }
        catch (BlobNotFoundException)
        {
            return TypedResults.Problem($"{key} is not in storage.", statusCode: StatusCodes.Status404NotFound);
        }
    }
}
