using System.Text;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AudioMix.Web.Apis;

/// <summary>
/// Reviewing a job's outputs in bulk: filtered and sorted pages (<c>GET …/outputs?filter=&amp;sort=&amp;desc=</c>), a
/// verdict for the filtered set (<c>POST …/review</c>), counts per op (<c>GET …/review/summary</c>) and manifests of a
/// review state or filter (<c>GET …/manifest?review=accepted&amp;filter=…</c>). Mapped inside the jobs route group; the
/// job pages through its shards for all of them.
/// </summary>
internal static class ReviewApi
{
    /// <summary>Body of a bulk review: the verdict and the filter choosing the outputs (all when omitted).</summary>
    internal sealed record BulkReviewRequest(string? Review, string? Filter);

    /// <summary>Answer of a bulk review.</summary>
    internal sealed record BulkReviewResponse(int Changed, ReviewSummary Summary);

    internal static async Task<Results<Ok<BulkReviewResponse>, ProblemHttpResult>> BulkReviewAsync(string id, BulkReviewRequest request, IGrainFactory grains)
    {
        if (ParseReview(request.Review) is not { } review)
        {
            return BadRequest("\"review\" must be accepted, rejected or pending.");
        }

        var job = grains.GetGrain<IJobGrain>(id);
        if (await job.GetStatusAsync() is null)
        {
            return NotFound(id);
        }

        try
        {
            var changed = await job.ReviewMatchingAsync(request.Filter, review);
            return TypedResults.Ok(new BulkReviewResponse(changed, await job.GetReviewSummaryAsync()));
        }
        catch (ArgumentException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    internal static async Task<Results<Ok<ReviewSummary>, ProblemHttpResult>> SummaryAsync(string id, IGrainFactory grains)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        return await job.GetStatusAsync() is null ? NotFound(id) : TypedResults.Ok(await job.GetReviewSummaryAsync());
    }

    /// <summary>A page of outputs through a filter and sort, or the 400 naming what is wrong with them.</summary>
    internal static async Task<Results<Ok<OutputPage>, ProblemHttpResult>> PageAsync(IJobGrain job, OutputQuery query, int offset, int limit)
    {
        try
        {
            return TypedResults.Ok(await job.QueryOutputsAsync(query, offset, limit));
        }
        catch (ArgumentException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    /// <summary>
    /// The manifest of the outputs in one review state and/or passing a filter, built from the shards page by page and
    /// streamed; every line keeps its <c>review</c> field. <c>review=accepted</c> leaves rejected and pending outputs out.
    /// </summary>
    internal static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(string id, IJobGrain job, string? review, string? filter)
    {
        string? reviewFilter = null;
        if (!string.IsNullOrWhiteSpace(review))
        {
            if (ParseReview(review) is not { } state)
            {
                return BadRequest("\"review\" must be accepted, rejected or pending.");
            }

            reviewFilter = $"review = {state.ToString().ToLowerInvariant()}";
        }

        var combined = (reviewFilter, string.IsNullOrWhiteSpace(filter) ? null : filter) switch
        {
            ({ } r, { } f) => $"({f}) and {r}",
            (var r, var f) => r ?? f,
        };
        var query = new OutputQuery(combined);

        // The first page is fetched before answering, so a bad filter is a 400 and not a broken download.
        OutputPage first;
        try
        {
            first = await job.QueryOutputsAsync(query, 0, 1000);
        }
        catch (ArgumentException ex)
        {
            return BadRequest(ex.Message);
        }

        return TypedResults.Stream(
            async body =>
            {
                for (var page = first; page.Items.Count > 0; page = await job.QueryOutputsAsync(query, page.Offset + page.Items.Count, 1000))
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(ManifestWriter.Build(page.Items, keepRejected: true)));
                    if (page.Offset + page.Items.Count >= page.Total)
                    {
                        break;
                    }
                }
            },
            "application/jsonl",
            $"{id}-manifest{(review is null ? string.Empty : "-" + review.ToLowerInvariant())}.jsonl");
    }

    private static ReviewState? ParseReview(string? value) =>
        Enum.TryParse<ReviewState>(value, ignoreCase: true, out var review) && !int.TryParse(value, out _) ? review : null;

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"Job {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
}
