using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests.Security;

/// <summary>Per-key rate limits on uploads and job submissions (429 with Retry-After), and the active-jobs quota per owner.</summary>
public sealed class RequestLimitsTests() : SecuredHostTest(
    ("AudioMix:Auth:UploadsPerMinute", "2"),
    ("AudioMix:Auth:JobSubmissionsPerMinute", "2"),
    ("AudioMix:Jobs:MaxActiveJobsPerOwner", "1"))
{

    [Fact]
    public async Task Uploads_past_the_per_key_rate_answer_429_with_retry_after_and_other_keys_are_unaffected()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await SecuredPlatform.CreateKeyAsync(Factory, "uploader", "writer", "alpha", ct);
        var (_, second) = await SecuredPlatform.CreateKeyAsync(Factory, "second uploader", "writer", "alpha", ct);
        using var client = SecuredPlatform.Client(Factory, key);
        var datasetId = await CreateDatasetAsync(client, ct);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await UploadAsync(client, datasetId, i, ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await UploadAsync(client, datasetId, 2, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {refused.Headers.RetryAfter}");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("UploadsPerMinute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Nothing of the refused upload was stored; another key has its own allowance.
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{datasetId}", ct)).GetProperty("itemCount").GetInt32());
        using var other = SecuredPlatform.Client(Factory, second);
        using var allowed = await UploadAsync(other, datasetId, 3, ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_submission_past_the_active_jobs_quota_is_refused_with_429_and_creates_no_job_then_the_rate_limit_applies()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await SecuredPlatform.CreateKeyAsync(Factory, "submitter", "writer", "beta", ct);
        using var client = SecuredPlatform.Client(Factory, key);
        var datasetId = await CreateDatasetAsync(client, ct);
        foreach (var seed in new[] { 0, 1 })
        {
            using var upload = await UploadAsync(client, datasetId, seed, ct);
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        // A long job keeps the owner's one slot busy.
        var first = await client.PostAsync("/api/jobs", Recipe(datasetId, 20_000), ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;

        using var refused = await client.PostAsync("/api/jobs", Recipe(datasetId, 2), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("MaxActiveJobsPerOwner", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var jobs = await client.GetFromJsonAsync<JsonElement>("/api/jobs", ct);
        Assert.Equal([firstId], jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()));

        // The third submission in the minute is over the per-key rate (2 per minute): refused before any quota check.
        using var limited = await client.PostAsync("/api/jobs", Recipe(datasetId, 2), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("JobSubmissionsPerMinute", (await limited.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await client.PostAsync($"/api/jobs/{firstId}/cancel", null, ct);
    }

    private static StringContent Recipe(string datasetId, int count) =>
        RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 3, "operations": [{"op": "mixup", "params": {"count": {{{count}}}}}]}""");

    private static async Task<string> CreateDatasetAsync(HttpClient client, CancellationToken ct)
    {
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "limits", kind = "sound" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string datasetId, int seed, CancellationToken ct)
    {
        var form = new MultipartFormDataContent
        {
            { WebTestAudio.File(WebTestAudio.Wav(300 + (100 * seed), seed: seed)), "files", $"tone{seed}.wav" },
        };
        return client.PostAsync($"/api/datasets/{datasetId}/items", form, ct);
    }
}
