using System.IO.Compression;
using System.Text.Json;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using AudioMix.Storage;
using AudioMix.Web.Security;
using AudioMix.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AudioMix.Web.Apis;

/// <summary><c>/api/jobs</c>: start, watch, cancel and delete augmentation jobs; download manifests and outputs.</summary>
internal static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        // Every {id} route of the group (and any added later) reaches only its owner's jobs: others answer 404.
        var api = routes.MapGroup("/api/jobs").WithTags("Jobs").OwnedBy(OwnedResourceKind.Job);
        api.MapPost("/", CreateAsync).RequireRateLimiting(SecurityHostingExtensions.JobsPolicy);
        api.MapPost("/validate", ValidateAsync);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        api.MapDelete("/{id}", DeleteAsync);
        api.MapPost("/{id}/cancel", CancelAsync);
        api.MapGet("/{id}/manifest", ManifestAsync);
        api.MapGet("/{id}/outputs", OutputsAsync);
        api.MapGet("/{id}/outputs/{index:int}/audio", OutputAudioAsync);
        api.MapGet("/{id}/outputs/{index:int}/spectrogram.png", PreviewsApi.OutputAsync);
        api.MapGet("/{id}/outputs/{index:int}/assets/{name}", OutputAssetAsync);
        api.MapPost("/{id}/outputs/{index:int}/review", ReviewAsync);
        api.MapPut("/{id}/outputs/{index:int}/caption", EditCaptionAsync);
        api.MapPost("/{id}/review", ReviewApi.BulkReviewAsync);
        api.MapGet("/{id}/review/summary", ReviewApi.SummaryAsync);
        api.MapGet("/{id}/metadata.jsonl", AudioFolderMetadataAsync);
        return api;
    }

    /// <summary>One step of a recipe as sent by clients: <c>{"op": "mixup", "params": {...}}</c>.</summary>
    internal sealed record OperationRequest(string? Op, JsonElement? Params);

    /// <summary>Output settings as sent by clients.</summary>
    internal sealed record OutputRequest(string? SampleFormat, int? SampleRate);

    /// <summary>Body of <c>POST /api/jobs</c>.</summary>
    internal sealed record CreateJobRequest(string? DatasetId, long? Seed, IReadOnlyList<OperationRequest>? Operations, OutputRequest? Output);

    /// <summary>Body of a review.</summary>
    internal sealed record ReviewRequest(string? Review);

    /// <summary>Body of a caption edit.</summary>
    internal sealed record CaptionRequest(string? Caption);

    internal static async Task<Results<Created<JobStatus>, ProblemHttpResult>> CreateAsync(
        CreateJobRequest request, JobSubmissions submissions, HttpContext context)
    {
        if (ToSpec(request, out var problem) is not { } spec)
        {
            return problem!;
        }

        try
        {
            // The submission runs the preflight as the caller sees it, so a refusal carries each step's capacity.
            var status = await submissions.SubmitAsync(context.Caller(), spec);
            return TypedResults.Created($"/api/jobs/{status.Id}", status);
        }
        catch (JobRefusedException ex)
        {
            return Refusal(ex.Validation)!;
        }
        catch (JobQuotaExceededException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many active jobs");
        }
        catch (ArgumentException ex)
        {
            return BadRequest(ex.Message);
        }
        catch (KeyNotFoundException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>
    /// Checks a job without creating it (same body as <c>POST /api/jobs</c>): 200 with each step's capacity when it can
    /// run; 400 with the errors (what to change) and the capacities when it cannot; 404 for an unknown dataset.
    /// </summary>
    internal static async Task<Results<Ok<JobValidation>, ProblemHttpResult>> ValidateAsync(
        CreateJobRequest request, JobSubmissions submissions, HttpContext context)
    {
        if (ToSpec(request, out var problem) is not { } spec)
        {
            return problem!;
        }

        var validation = await submissions.ValidateAsync(context.Caller(), spec);
        return Refusal(validation) is { } refusal ? refusal : TypedResults.Ok(validation);
    }

    private static ProblemHttpResult? Refusal(JobValidation validation) =>
        validation.Valid
            ? null
            : TypedResults.Problem(
                string.Join(" ", validation.Errors),
                statusCode: validation.DatasetFound ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound,
                title: "The job cannot run",
                extensions: new Dictionary<string, object?> { ["errors"] = validation.Errors, ["steps"] = validation.Steps });

    /// <summary>The spec a request describes, or null with the 400 that says what is missing.</summary>
    private static JobSpec? ToSpec(CreateJobRequest request, out ProblemHttpResult? problem)
    {
        try
        {
            problem = null;
            return ToSpec(request);
        }
        catch (ArgumentException ex)
        {
            problem = BadRequest(ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The job spec a request asks for: its shape checked (dataset, at least one op, each with a name and an object of
    /// parameters); the ops' parameters themselves are parsed by the job grain. An <see cref="ArgumentException"/> names
    /// what is missing or malformed.
    /// </summary>
    internal static JobSpec ToSpec(CreateJobRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.DatasetId))
        {
            throw new ArgumentException("\"datasetId\" is required.");
        }

        if (request.Operations is not { Count: > 0 })
        {
            throw new ArgumentException("\"operations\" must list at least one {\"op\": ..., \"params\": {...}}.");
        }

        var ops = new List<OperationSpec>();
        foreach (var (op, i) in request.Operations.Select((o, i) => (o, i)))
        {
            if (op is null || string.IsNullOrWhiteSpace(op.Op))
            {
                throw new ArgumentException($"operations[{i}] has no \"op\".");
            }

            if (op.Params is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            {
                throw new ArgumentException($"operations[{i}].params must be an object.");
            }

            string parameters;
            try
            {
                parameters = op.Params is { ValueKind: JsonValueKind.Object } p ? p.GetRawText() : "{}";
            }
            catch (InvalidOperationException ex)
            {
                // Found by fuzzing (recipe): the JSON reader lets invalid UTF-8 in a property name through into a JsonElement,
                // and only re-reading it as text fails — an InvalidOperationException that answered 500.
                throw new ArgumentException($"operations[{i}].params is not valid UTF-8 JSON text ({ex.Message}).", ex);
            }

            ops.Add(new OperationSpec(op.Op, parameters));
        }

        return new JobSpec(
            request.DatasetId,
            request.Seed ?? 0,
            ops.ToArray(),
            new OutputSpec(request.Output?.SampleFormat ?? "pcm16", request.Output?.SampleRate));
    }

    /// <summary>The caller's owner's jobs (an admin's: everyone's).</summary>
    internal static async Task<Ok<IReadOnlyList<JobStatus>>> ListAsync(IGrainFactory grains, HttpContext context)
    {
        var caller = context.Caller();
        return TypedResults.Ok<IReadOnlyList<JobStatus>>([.. (await JobListing.ListAsync(grains)).Where(j => caller.Sees(j.Owner))]);
    }

    internal static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IJobGrain>(id).GetStatusAsync() is { } status ? TypedResults.Ok(status) : NotFound(id);

    internal static async Task<Results<Ok<JobStatus>, ProblemHttpResult>> CancelAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IJobGrain>(id).CancelAsync() is { } status ? TypedResults.Ok(status) : NotFound(id);

    /// <summary>Cancels the job if unfinished (waiting for it to stop), then deletes its outputs, manifest and state.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IJobGrain>(id).DeleteAsync() ? TypedResults.NoContent() : NotFound(id);

    /// <summary>The job's manifest; with <c>review</c> (accepted, rejected, pending) and/or <c>filter</c>, only those outputs (<see cref="ReviewApi.ExportAsync"/>).</summary>
    internal static async Task<Results<FileStreamHttpResult, PushStreamHttpResult, ProblemHttpResult>> ManifestAsync(
        string id, IGrainFactory grains, IBlobStore store, CancellationToken cancellationToken, string? review = null, string? filter = null)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        if (await job.GetStatusAsync() is not { } status)
        {
            return NotFound(id);
        }

        if (review is not null || filter is not null)
        {
            return await ReviewApi.ExportAsync(id, job, review, filter) switch
            {
                { Result: PushStreamHttpResult stream } => stream,
                { Result: ProblemHttpResult problem } => problem,
                var other => throw new InvalidOperationException($"Unexpected export result {other.Result}."),
            };
        }

        if (status.ManifestKey is null)
        {
            return TypedResults.Problem($"Job {id} is {status.State.ToString().ToLowerInvariant()}; its manifest is written when it completes.", statusCode: StatusCodes.Status409Conflict);
        }

        return await BlobResults.StreamAsync(store, status.ManifestKey, "application/jsonl", cancellationToken, $"{id}-manifest.jsonl") switch
        {
            { Result: FileStreamHttpResult file } => file,
            { Result: ProblemHttpResult problem } => problem,
            var other => throw new InvalidOperationException($"Unexpected manifest result {other.Result}."),
        };
    }

    /// <summary>
    /// With <c>Accept: application/json</c>, a page of outputs (<c>offset</c>, <c>limit</c>); otherwise
    /// all kept outputs plus the manifest as one zip archive.
    /// </summary>
    internal static async Task<Results<Ok<OutputPage>, FileStreamHttpResult, ProblemHttpResult>> OutputsAsync(
        string id, HttpRequest request, IGrainFactory grains, IBlobStore store, CancellationToken cancellationToken, int offset = 0, int limit = 100,
        string? filter = null, string? sort = null, bool desc = false)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        if (await job.GetStatusAsync() is not { } status)
        {
            return NotFound(id);
        }

        if (request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true))
        {
            return await ReviewApi.PageAsync(job, new OutputQuery(filter, sort, desc), offset, limit) switch
            {
                { Result: Ok<OutputPage> page } => page,
                { Result: ProblemHttpResult problem } => problem,
                var other => throw new InvalidOperationException($"Unexpected page result {other.Result}."),
            };
        }

        if (status.ManifestKey is null)
        {
            return TypedResults.Problem($"Job {id} is {status.State.ToString().ToLowerInvariant()}; its archive is available when it completes.", statusCode: StatusCodes.Status409Conflict);
        }

        // The archive is assembled in a temporary file (zip needs to seek back for its directory) and
        // deleted when the response stream closes.
        var temp = Path.Combine(Path.GetTempPath(), $"audiomix-{id}-{Guid.NewGuid():N}.zip");
        await using (var file = File.Create(temp))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            await AddEntryAsync(zip, "manifest.jsonl", status.ManifestKey, store, cancellationToken);
            var all = new List<JobOutput>();
            for (var page = await job.GetOutputsAsync(0, 1000); page.Items.Count > 0; page = await job.GetOutputsAsync(page.Offset + page.Items.Count, 1000))
            {
                all.AddRange(page.Items);
                foreach (var output in page.Items.Where(o => o.OutputKey is not null && o.Error is null && o.Review != ReviewState.Rejected))
                {
                    // Same rule as the manifest: a unit with audio assets ships those (and its data files) instead of its main key.
                    if (output.Assets is not { Count: > 0 } assets || !assets.Any(a => a.IsAudio))
                    {
                        await AddEntryAsync(zip, "outputs/" + JobKeys.RelativeOutput(output.Index), output.OutputKey!, store, cancellationToken);
                    }

                    foreach (var asset in output.Assets ?? [])
                    {
                        await AddEntryAsync(zip, JobKeys.ArchivePath(asset.Key), asset.Key, store, cancellationToken);
                    }
                }
            }

            // Captioned outputs also ship as a Hugging Face audiofolder (metadata.jsonl beside outputs/).
            if (AudioFolderMetadataWriter.Build(all) is { Length: > 0 } metadata)
            {
                await using var entry = zip.CreateEntry("metadata.jsonl", CompressionLevel.Optimal).Open();
                await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(metadata), cancellationToken);
            }
        }

        var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return TypedResults.Stream(stream, "application/zip", $"{id}-outputs.zip");
    }

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> OutputAudioAsync(string id, int index, IGrainFactory grains, IBlobStore store, CancellationToken cancellationToken)
    {
        var output = await grains.GetGrain<IJobGrain>(id).GetOutputAsync(index);
        if (output?.OutputKey is null)
        {
            return TypedResults.Problem($"Job {id} has no rendered output {index}.", statusCode: StatusCodes.Status404NotFound);
        }

        return await BlobResults.StreamAsync(store, output.OutputKey, "audio/wav", cancellationToken);
    }

    /// <summary>One named asset of an output (a stem, a segment, a frame-score file), with HTTP ranges for audio.</summary>
    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> OutputAssetAsync(string id, int index, string name, IGrainFactory grains, IBlobStore store, CancellationToken cancellationToken)
    {
        var output = await grains.GetGrain<IJobGrain>(id).GetOutputAsync(index);
        if (output?.Assets?.FirstOrDefault(a => a.Name == name) is not { } asset)
        {
            return TypedResults.Problem($"Job {id} output {index} has no asset '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }

        return await BlobResults.StreamAsync(store, asset.Key, asset.ContentType, cancellationToken);
    }

    internal static async Task<Results<Ok<JobOutput>, ProblemHttpResult>> ReviewAsync(string id, int index, ReviewRequest request, IGrainFactory grains)
    {
        if (!Enum.TryParse<ReviewState>(request.Review, ignoreCase: true, out var review) || int.TryParse(request.Review, out _))
        {
            return BadRequest("\"review\" must be accepted, rejected or pending.");
        }

        return await grains.GetGrain<IJobGrain>(id).ReviewAsync(index, review) is { } output
            ? TypedResults.Ok(output)
            : TypedResults.Problem($"Job {id} has no output {index}.", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>Replaces a captioned output's caption (a reviewer's edit); the original stays in its provenance.</summary>
    internal static async Task<Results<Ok<JobOutput>, ProblemHttpResult>> EditCaptionAsync(string id, int index, CaptionRequest request, IGrainFactory grains)
    {
        try
        {
            return await grains.GetGrain<IJobGrain>(id).EditCaptionAsync(index, request.Caption ?? string.Empty) is { } output
                ? TypedResults.Ok(output)
                : TypedResults.Problem($"Job {id} has no output {index}.", statusCode: StatusCodes.Status404NotFound);
        }
        catch (ArgumentException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    /// <summary>A Hugging Face audiofolder <c>metadata.jsonl</c> (file_name, caption, sources) for the job's kept captioned outputs.</summary>
    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> AudioFolderMetadataAsync(string id, IGrainFactory grains)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        if (await job.GetStatusAsync() is null)
        {
            return NotFound(id);
        }

        var all = new List<JobOutput>();
        for (var page = await job.GetOutputsAsync(0, 1000); page.Items.Count > 0; page = await job.GetOutputsAsync(page.Offset + page.Items.Count, 1000))
        {
            all.AddRange(page.Items);
        }

        return TypedResults.Text(AudioFolderMetadataWriter.Build(all), "application/jsonl", System.Text.Encoding.UTF8);
    }

    private static async Task AddEntryAsync(ZipArchive zip, string name, string key, IBlobStore store, CancellationToken cancellationToken)
    {
        await using var source = await store.OpenReadAsync(key, cancellationToken);
        var entry = zip.CreateEntry(name, name.EndsWith(".wav", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
        await using var target = entry.Open();
        await source.CopyToAsync(target, cancellationToken);
    }

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"Job {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
}
