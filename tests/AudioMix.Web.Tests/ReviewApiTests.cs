using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>Filtered and sorted output pages, bulk review of a filtered set, the review summary and manifests by review state.</summary>
public sealed class ReviewApiTests : PlatformTest
{
    private const int Count = 24;

    [Fact]
    public async Task A_filtered_set_is_reviewed_in_bulk_and_exported_by_review_state()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Factory.CreateClient();
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "review", kind = "sound" }, ct);
        var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using (var form = new MultipartFormDataContent())
        {
            for (var i = 0; i < 3; i++)
            {
                form.Add(WebTestAudio.File(WebTestAudio.Wav(300 + (200 * i), seed: i)), "files", $"t{i}.wav");
            }

            await RestScenario.UploadAsync(client, datasetId, form, ct);
        }

        using var started = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 5, "operations": [{"op": "mixup", "params": {"count": {{{Count}}}, "alpha": 1}}]}"""), ct);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        Assert.Equal("completed", (await RestScenario.PollAsync(client, jobId, ct)).GetProperty("state").GetString());
        var lambdas = (await PageAsync(client, jobId, string.Empty, ct)).ToDictionary(o => o.GetProperty("index").GetInt32(), Lambda);
        Assert.Equal(Count, lambdas.Count);
        var low = lambdas.Where(kv => kv.Value < 0.5).Select(kv => kv.Key).Order().ToArray();
        Assert.InRange(low.Length, 1, Count - 1);

        // Filter + sort by a provenance field, descending, paged: exactly the matching outputs, in order.
        var high = await PageAsync(client, jobId, "?filter=" + Uri.EscapeDataString("lambda >= 0.5") + "&sort=lambda&desc=true&limit=5", ct, expectTotal: Count - low.Length);
        Assert.Equal(lambdas.Where(kv => kv.Value >= 0.5).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(5).Select(kv => kv.Key), high.Select(o => o.GetProperty("index").GetInt32()));

        // Bad filters are 400s that say where and what.
        await RestScenario.AssertProblemAsync(await GetJsonAsync(client, $"/api/jobs/{jobId}/outputs?filter={Uri.EscapeDataString("lambda >")}", ct), HttpStatusCode.BadRequest, "position 9: expected a value", ct);
        await RestScenario.AssertProblemAsync(
            await client.PostAsync($"/api/jobs/{jobId}/review", RestScenario.Json("""{"review": "rejected", "filter": "lambda < 0.5 and (review = pending"}"""), ct),
            HttpStatusCode.BadRequest, "expected ')'", ct);

        // Bulk: reject the filtered set, then accept every output still pending.
        using (var rejected = await client.PostAsync($"/api/jobs/{jobId}/review", RestScenario.Json("""{"review": "rejected", "filter": "lambda < 0.5"}"""), ct))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
            var body = await rejected.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(low.Length, body.GetProperty("changed").GetInt32());
            AssertSummary(body.GetProperty("summary"), accepted: 0, rejected: low.Length, pending: Count - low.Length);
        }

        using (var accepted = await client.PostAsync($"/api/jobs/{jobId}/review", RestScenario.Json("""{"review": "accepted", "filter": "review = pending"}"""), ct))
        {
            Assert.Equal(Count - low.Length, (await accepted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        }

        AssertSummary(await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/review/summary", ct), accepted: Count - low.Length, rejected: low.Length, pending: 0);

        // Exports keep the review field; review=accepted leaves the rejected out, review=rejected lists only them.
        var acceptedLines = await ManifestAsync(client, $"/api/jobs/{jobId}/manifest?review=accepted", ct);
        Assert.Equal(Count - low.Length, acceptedLines.Count);
        Assert.All(acceptedLines, l => Assert.Equal("accepted", l.GetProperty("review").GetString()));
        var rejectedLines = await ManifestAsync(client, $"/api/jobs/{jobId}/manifest?review=rejected", ct);
        Assert.Equal(low, rejectedLines.Select(l => l.GetProperty("provenance").GetProperty("unit").GetInt32()).Order());
        Assert.All(rejectedLines, l => Assert.Equal("rejected", l.GetProperty("review").GetString()));
        var filtered = await ManifestAsync(client, $"/api/jobs/{jobId}/manifest?review=accepted&filter={Uri.EscapeDataString("lambda > 0.75")}", ct);
        Assert.Equal(lambdas.Count(kv => kv.Value > 0.75), filtered.Count);

        // The stored manifest (no query) was rewritten once per bulk review: rejected outputs out, reviews kept.
        var plain = await RestScenario.ManifestAsync(client, jobId, ct);
        Assert.Equal(acceptedLines.Select(l => l.GetRawText()), plain.Select(l => l.GetRawText()));
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/jobs/{jobId}/manifest?review=maybe", ct), HttpStatusCode.BadRequest, "review", ct);
    }

    private static double Lambda(JsonElement output) =>
        JsonDocument.Parse(output.GetProperty("provenanceJson").GetString()!).RootElement.GetProperty("lambda").GetDouble();

    private static void AssertSummary(JsonElement summary, int accepted, int rejected, int pending)
    {
        var mixup = Assert.Single(summary.GetProperty("ops").EnumerateArray());
        Assert.Equal("mixup", mixup.GetProperty("op").GetString());
        Assert.Equal((accepted, rejected, pending, 0), (mixup.GetProperty("accepted").GetInt32(), mixup.GetProperty("rejected").GetInt32(), mixup.GetProperty("pending").GetInt32(), mixup.GetProperty("failed").GetInt32()));
    }

    private static async Task<HttpResponseMessage> GetJsonAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        return await client.SendAsync(request, ct);
    }

    private static async Task<List<JsonElement>> PageAsync(HttpClient client, string jobId, string query, CancellationToken ct, int? expectTotal = null)
    {
        using var response = await GetJsonAsync(client, $"/api/jobs/{jobId}/outputs{(query.Length == 0 ? "?limit=1000" : query)}", ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var page = JsonDocument.Parse(text).RootElement.Clone();
        if (expectTotal is { } total)
        {
            Assert.Equal(total, page.GetProperty("total").GetInt32());
        }

        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private static async Task<List<JsonElement>> ManifestAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }
}
