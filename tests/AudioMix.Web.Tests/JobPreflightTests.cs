using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AudioMix.Storage;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>
/// <c>POST /api/jobs/validate</c> and the same check at submission: capacity from the ops' own pairing rules, impossible
/// jobs refused with the capacity and what to change, and no job (no catalog entry, no blob) created for a refusal.
/// </summary>
public sealed class JobPreflightTests : PlatformTest
{
    [Fact]
    public async Task Impossible_counts_are_refused_with_the_capacity_before_any_job_exists()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Factory.CreateClient();
        var store = Store;
        var datasetId = await CaptionedDatasetAsync(client, captioned: 5, ct);

        // 5 captioned items, each in at most 4 mixes, no pair twice: min(5·4/2, 5·4/2) = 10.
        using (var ok = await client.PostAsync("/api/jobs/validate", Job(datasetId, """{"count": 10}"""), ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var body = await ok.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.True(body.GetProperty("valid").GetBoolean());
            var step = Assert.Single(body.GetProperty("steps").EnumerateArray());
            Assert.Equal(10, step.GetProperty("capacity").GetInt64());
            Assert.Equal(10, step.GetProperty("requested").GetInt64());
        }

        // The default (count left out) fits the dataset: with maxUses 1 only 2 mixes are possible, so it makes 2, not 5.
        using (var defaults = await client.PostAsync("/api/jobs/validate", Job(datasetId, """{"maxUses": 1}"""), ct))
        {
            Assert.Equal(HttpStatusCode.OK, defaults.StatusCode);
            var step = (await defaults.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("steps")[0];
            Assert.Equal(2, step.GetProperty("capacity").GetInt64());
            Assert.Equal(2, step.GetProperty("defaultCount").GetInt64());
        }

        var plain = await CaptionedDatasetAsync(client, captioned: 0, ct);
        var jobsBefore = (await client.GetFromJsonAsync<JsonElement>("/api/jobs", ct)).GetArrayLength();
        var keysBefore = await KeysAsync(store, string.Empty, ct);
        foreach (var path in new[] { "/api/jobs/validate", "/api/jobs" })
        {
            using var refused = await client.PostAsync(path, Job(datasetId, """{"count": 100}"""), ct);
            var text = await refused.Content.ReadAsStringAsync(ct);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)refused.StatusCode} {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("count 100", detail, StringComparison.Ordinal);
            Assert.Contains("at most 10", detail, StringComparison.Ordinal);
            Assert.Contains("add captioned items", detail, StringComparison.Ordinal); // 5 items form only 10 distinct pairs
            Assert.Equal(10, problem.GetProperty("steps")[0].GetProperty("capacity").GetInt64());
            Assert.Contains("count 100", problem.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        }

        // A dataset without captions cannot feed caption_mix at all; mixup needs two items.
        // Within the distinct pairs but over maxUses: 5 items × 2 uses ÷ 2 = 5; 8 mixes need maxUses 4.
        await RestScenario.AssertProblemAsync(await client.PostAsync("/api/jobs/validate", Job(datasetId, """{"count": 8, "maxUses": 2}"""), ct), HttpStatusCode.BadRequest, "at most 5). Lower count to 5 or less, or raise maxUses to 4", ct);
        await RestScenario.AssertProblemAsync(await client.PostAsync("/api/jobs/validate", Job(plain, "{}"), ct), HttpStatusCode.BadRequest, "at least two items with captions", ct);
        await RestScenario.AssertProblemAsync(await client.PostAsync("/api/jobs", Job(plain, "{}"), ct), HttpStatusCode.BadRequest, "at least two items with captions", ct);
        await RestScenario.AssertProblemAsync(await client.PostAsync("/api/jobs/validate", Job("nosuchset", "{}"), ct), HttpStatusCode.NotFound, "nosuchset", ct);
        await RestScenario.AssertProblemAsync(await client.PostAsync("/api/jobs/validate", Job(datasetId, """{"similarity": 2}"""), ct), HttpStatusCode.BadRequest, "similarity", ct);

        // Nothing was created by any refusal: no job listed, the store holds exactly what it held (no blob, no grain state).
        Assert.Equal(jobsBefore, (await client.GetFromJsonAsync<JsonElement>("/api/jobs", ct)).GetArrayLength());
        Assert.Equal(keysBefore, await KeysAsync(store, string.Empty, ct));
        Assert.DoesNotContain(keysBefore, k => k.StartsWith("jobs/", StringComparison.Ordinal));
    }


    private static StringContent Job(string datasetId, string parameters) =>
        RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 1, "operations": [{"op": "caption_mix", "params": {{{parameters}}}}]}""");

    private static async Task<string> CaptionedDatasetAsync(HttpClient client, int captioned, CancellationToken ct)
    {
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = $"captioned-{captioned}", kind = "sound" }, ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using var form = new MultipartFormDataContent();
        var metadata = new StringBuilder();
        for (var i = 0; i < 5; i++)
        {
            form.Add(WebTestAudio.File(WebTestAudio.Wav(300 + (100 * i), seed: i)), "files", $"clip{i}.wav");
            if (i < captioned)
            {
                metadata.Append(JsonSerializer.Serialize(new { file_name = $"clip{i}.wav", caption = $"sound number {i} rings" })).Append('\n');
            }
        }

        if (captioned > 0)
        {
            form.Add(WebTestAudio.File(Encoding.UTF8.GetBytes(metadata.ToString()), "application/jsonl"), "files", "metadata.jsonl");
        }

        await RestScenario.UploadAsync(client, id, form, ct);
        return id;
    }
}
