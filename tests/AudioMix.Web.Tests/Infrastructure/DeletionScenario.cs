using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Grains.Datasets;
using AudioMix.Grains.Operations;
using AudioMix.Storage;

namespace AudioMix.Web.Tests.Infrastructure;

/// <summary>
/// Deleting jobs and datasets and renaming datasets over REST, checked against the store itself: after a deletion no
/// blob key mentions the id (its blobs under <c>jobs/{id}/</c> or <c>datasets/{id}/</c>, and every grain-state blob of
/// the job, its shards, the dataset, its pages and id-index buckets, whose keys embed the grain key).
/// </summary>
public static class DeletionScenario
{
    public static async Task JobsAsync(HttpClient client, IBlobStore store, CancellationToken ct)
    {
        var datasetId = await DatasetWithToneAsync(client, "jobs-deleted", ct);

        // A finished job: 204, then it is unknown everywhere and nothing of it is left in the store.
        var finished = await StartAsync(client, datasetId, 30, ct);
        Assert.Equal("completed", (await RestScenario.PollAsync(client, finished, ct)).GetProperty("state").GetString());
        Assert.Contains(await PlatformTest.KeysAsync(store, string.Empty, ct), k => k.StartsWith($"jobs/{finished}/outputs/", StringComparison.Ordinal));
        Assert.Contains(await PlatformTest.KeysAsync(store, string.Empty, ct), k => k.Contains(finished, StringComparison.Ordinal) && k.StartsWith("grainstate/", StringComparison.Ordinal));
        await PreviewAsync(client, $"/api/jobs/{finished}/outputs/0/spectrogram.png", ct);
        Assert.Contains(await PlatformTest.KeysAsync(store, $"jobs/{finished}/previews/", ct), k => k.EndsWith(".png", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/jobs/{finished}", ct)).StatusCode);
        await AssertJobGoneAsync(client, store, finished, ct);

        // Deleting again, or a job that never existed: 404.
        await RestScenario.AssertProblemAsync(await client.DeleteAsync($"/api/jobs/{finished}", ct), HttpStatusCode.NotFound, finished, ct);
        await RestScenario.AssertProblemAsync(await client.DeleteAsync("/api/jobs/nosuchjob", ct), HttpStatusCode.NotFound, "nosuchjob", ct);

        // A running job is cancelled first, then deleted; its dataset is untouched.
        var running = await StartAsync(client, datasetId, 4000, ct);
        await WaitRenderingAsync(client, running, ct);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/jobs/{running}", ct)).StatusCode);
        await AssertJobGoneAsync(client, store, running, ct);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/datasets/{datasetId}", ct)).StatusCode);
    }

    public static async Task DatasetsAsync(HttpClient client, IBlobStore store, IGrainFactory grains, CancellationToken ct)
    {
        var datasetId = await DatasetWithToneAsync(client, "to-delete", ct);
        var keeper = await DatasetWithToneAsync(client, "keeper", ct, files: 1);
        var finished = await StartAsync(client, datasetId, 12, ct);
        Assert.Equal("completed", (await RestScenario.PollAsync(client, finished, ct)).GetProperty("state").GetString());

        // Rename: validated like create, answered and listed under the new name.
        await RestScenario.AssertProblemAsync(await client.PatchAsync($"/api/datasets/{datasetId}", RestScenario.Json("""{"name": "  "}"""), ct), HttpStatusCode.BadRequest, "name", ct);
        await RestScenario.AssertProblemAsync(await client.PatchAsync("/api/datasets/nosuchset", RestScenario.Json("""{"name": "x"}"""), ct), HttpStatusCode.NotFound, "nosuchset", ct);
        using (var renamed = await client.PatchAsync($"/api/datasets/{datasetId}", RestScenario.Json("""{"name": " renamed "}"""), ct))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var summary = await renamed.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("renamed", summary.GetProperty("name").GetString());
            Assert.Equal(datasetId, summary.GetProperty("id").GetString());
        }

        Assert.Equal("renamed", (await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{datasetId}", ct)).GetProperty("name").GetString());
        Assert.Contains(
            (await client.GetFromJsonAsync<JsonElement>("/api/datasets", ct)).EnumerateArray(),
            d => d.GetProperty("id").GetString() == datasetId && d.GetProperty("name").GetString() == "renamed");

        // Refused while an unfinished job uses it: 409 naming the job, and nothing is deleted.
        var running = await StartAsync(client, datasetId, 4000, ct);
        using (var refused = await client.DeleteAsync($"/api/datasets/{datasetId}", ct))
        {
            var body = await refused.Content.ReadAsStringAsync(ct);
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict, body);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Contains(running, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal([running], problem.GetProperty("jobs").EnumerateArray().Select(j => j.GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/datasets/{datasetId}", ct)).StatusCode);
        using (var cancelled = await client.PostAsync($"/api/jobs/{running}/cancel", null, ct))
        {
            Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("state").GetString());
        }

        // Cached beat analyses are shared by content: a.wav's is also the keeper's, b.wav's only this dataset's. An
        // analysis of an older tracker version and one of content no dataset holds are garbage already.
        var items = (await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{datasetId}/items", ct)).GetProperty("items").EnumerateArray().ToArray();
        var hashes = items.ToDictionary(i => i.GetProperty("fileName").GetString()!, i => i.GetProperty("contentHash").GetString()!);
        var shared = BeatAnalysisCache.Key(hashes["a.wav"]);
        var own = BeatAnalysisCache.Key(hashes["b.wav"]);
        var stale = $"{BeatAnalysisCache.Prefix}v1/{hashes["a.wav"]}.json";
        var orphan = BeatAnalysisCache.Key(new string('0', 64));
        foreach (var key in new[] { shared, own, stale, orphan })
        {
            using var json = new MemoryStream("{}"u8.ToArray());
            await store.WriteAsync(key, json, cancellationToken: ct);
        }

        // Item previews live in the dataset's folder.
        await PreviewAsync(client, $"/api/datasets/{datasetId}/items/{items[0].GetProperty("itemId").GetString()}/spectrogram.png", ct);
        Assert.Contains(await PlatformTest.KeysAsync(store, $"datasets/{datasetId}/previews/", ct), k => k.EndsWith(".png", StringComparison.Ordinal));

        // The sweep keeps entries written after it starts; the store's clock may count whole seconds.
        await Task.Delay(TimeSpan.FromSeconds(1.2), ct);
        var sweeper = grains.GetGrain<IAnalysisCacheSweepGrain>(IAnalysisCacheSweepGrain.Key);
        var sweepsBefore = (await sweeper.GetStatusAsync()).Completed;

        // Deleted: its audio, previews, pages and state go; the finished job's outputs (copies) stay downloadable.
        Assert.Contains(await PlatformTest.KeysAsync(store, string.Empty, ct), k => k.StartsWith($"datasets/{datasetId}/items/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/datasets/{datasetId}", ct)).StatusCode);
        Assert.DoesNotContain(await PlatformTest.KeysAsync(store, string.Empty, ct), k => k.Contains(datasetId, StringComparison.Ordinal));
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/datasets/{datasetId}", ct), HttpStatusCode.NotFound, datasetId, ct);
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/datasets/{datasetId}/items", ct), HttpStatusCode.NotFound, datasetId, ct);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/datasets", ct)).EnumerateArray(), d => d.GetProperty("id").GetString() == datasetId);
        await RestScenario.AssertProblemAsync(await client.DeleteAsync($"/api/datasets/{datasetId}", ct), HttpStatusCode.NotFound, datasetId, ct);

        // The analysis sweep the deletion asked for: only what the keeper still references, at the current version, stays.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        AnalysisSweepStatus sweep;
        while ((sweep = await sweeper.GetStatusAsync()) is { Running: true } || sweep.Completed <= sweepsBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no analysis sweep finished within 60 s ({sweep})");
            await Task.Delay(50, ct);
        }

        var analyses = await PlatformTest.KeysAsync(store, BeatAnalysisCache.Prefix, ct);
        Assert.Equal([shared], analyses);
        Assert.Equal(3, sweep.Deleted);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/datasets/{keeper}", ct)).StatusCode);

        Assert.Equal("completed", (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{finished}", ct)).GetProperty("state").GetString());
        var manifest = await RestScenario.ManifestAsync(client, finished, ct);
        Assert.Equal(12, manifest.Count);
        using var audio = await client.GetAsync($"/api/jobs/{finished}/outputs/0/audio", ct);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.True((await audio.Content.ReadAsByteArrayAsync(ct)).Length > 44);

        // A job can no longer start on it.
        await RestScenario.AssertProblemAsync(
            await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "operations": [{"op": "mixup"}]}"""), ct),
            HttpStatusCode.NotFound, datasetId, ct);
    }

    private static async Task PreviewAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<string> DatasetWithToneAsync(HttpClient client, string name, CancellationToken ct, int files = 2)
    {
        var created = await client.PostAsJsonAsync("/api/datasets", new { name, kind = "sound" }, ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using var form = new MultipartFormDataContent();
        form.Add(WebTestAudio.File(WebTestAudio.Wav(440, seed: 1)), "files", "a.wav");
        if (files > 1)
        {
            form.Add(WebTestAudio.File(WebTestAudio.Wav(550, seed: 2)), "files", "b.wav");
        }

        await RestScenario.UploadAsync(client, id, form, ct);
        return id;
    }

    private static async Task<string> StartAsync(HttpClient client, string datasetId, int count, CancellationToken ct)
    {
        using var started = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 1, "operations": [{"op": "mixup", "params": {"count": {{{count}}}}}]}"""), ct);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var status = await started.Content.ReadFromJsonAsync<JsonElement>(ct);

        // One id field across resources: "id" (as datasets answer); "jobId" stays for older clients.
        Assert.Equal(status.GetProperty("id").GetString(), status.GetProperty("jobId").GetString());
        return status.GetProperty("id").GetString()!;
    }

    private static async Task WaitRenderingAsync(HttpClient client, string jobId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}", ct);
            var state = status.GetProperty("state").GetString();
            Assert.True(state is "pending" or "planning" or "running", $"job {jobId} ended ({state}) before it was deleted");
            if (status.GetProperty("completed").GetInt32() > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} rendered nothing within 60 s");
            await Task.Delay(20, ct);
        }
    }

    private static async Task AssertJobGoneAsync(HttpClient client, IBlobStore store, string jobId, CancellationToken ct)
    {
        Assert.DoesNotContain(await PlatformTest.KeysAsync(store, string.Empty, ct), k => k.Contains(jobId, StringComparison.Ordinal));
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/jobs/{jobId}", ct), HttpStatusCode.NotFound, jobId, ct);
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/jobs/{jobId}/manifest", ct), HttpStatusCode.NotFound, jobId, ct);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/jobs", ct)).EnumerateArray(), j => j.GetProperty("id").GetString() == jobId);
    }
}
