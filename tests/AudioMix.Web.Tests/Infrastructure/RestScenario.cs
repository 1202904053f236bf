using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AudioMix.Web.Tests.Infrastructure;

/// <summary>
/// The REST walk-through every storage backend must pass: datasets, uploads (plain, zip, tar.gz),
/// paging, ranged audio, a mixup job, manifest and archive downloads, review, and the error shapes.
/// </summary>
public static class RestScenario
{
    public static async Task RunAsync(HttpClient client, CancellationToken ct)
    {
        // --- Datasets: kind validation, creation.
        var badKind = await client.PostAsJsonAsync("/api/datasets", new { name = "x", kind = "rock" }, ct);
        await AssertProblemAsync(badKind, HttpStatusCode.BadRequest, "kind", ct);
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "birds", kind = "sound" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dataset = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = dataset.GetProperty("id").GetString()!;
        Assert.Equal("sound", dataset.GetProperty("kind").GetString());
        Assert.Equal($"/api/datasets/{id}", created.Headers.Location?.OriginalString);

        // --- One multipart request: three WAVs, a corrupt file and metadata.jsonl.
        var a = WebTestAudio.Wav(440, seed: 1);
        var b = WebTestAudio.Wav(660, rate: 22050, seed: 2);
        var c = WebTestAudio.Wav(880, channels: 2, seed: 3);
        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(a), "files", "a.wav");
            form.Add(WebTestAudio.File(b), "files", "b.wav");
            form.Add(WebTestAudio.File("definitely not RIFF data"u8.ToArray()), "files", "broken.wav");
            form.Add(WebTestAudio.File(c), "files", "c.wav");
            form.Add(WebTestAudio.File(Encoding.UTF8.GetBytes(
                "{\"file_name\": \"a.wav\", \"label\": \"dog\"}\n{\"file_name\": \"b.wav\", \"label\": \"cat\"}\n{\"file_name\": \"c.wav\", \"label\": [\"bird\", \"wind\"], \"caption\": \"a bird in wind\"}\n"),
                "application/jsonl"), "files", "metadata.jsonl");
            var upload = await UploadAsync(client, id, form, ct);
            AssertAccepted(upload, ("a.wav", ["dog"]), ("b.wav", ["cat"]), ("c.wav", ["bird", "wind"]));
            var rejection = Assert.Single(upload.GetProperty("rejected").EnumerateArray());
            Assert.Equal("broken.wav", rejection.GetProperty("fileName").GetString());
            Assert.Contains("broken.wav", rejection.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(3, upload.GetProperty("dataset").GetProperty("itemCount").GetInt32());
        }

        // --- A zip and a tar.gz, each with metadata.csv, a ../evil.wav, hidden files and a stray text file.
        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(Zip(), "application/zip"), "files", "more.zip");
            var upload = await UploadAsync(client, id, form, ct);
            AssertAccepted(upload, ("zipped/d.wav", ["dog"]), ("zipped/e.wav", ["cat"]));
            AssertRejectedByName(upload, "../evil.wav", "notes.txt");
        }

        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(TarGz(), "application/gzip"), "files", "more.tar.gz");
            var upload = await UploadAsync(client, id, form, ct);
            AssertAccepted(upload, ("tarred/f.wav", ["bird"]), ("tarred/sub/g.wav", ["dog"]));
            AssertRejectedByName(upload, "../evil.wav");
        }

        // --- Paging.
        var page1 = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}/items?offset=0&limit=3", ct);
        var page3 = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}/items?offset=6&limit=3", ct);
        Assert.Equal(7, page1.GetProperty("total").GetInt32());
        Assert.Equal(3, page1.GetProperty("items").GetArrayLength());
        Assert.Equal(6, page3.GetProperty("offset").GetInt32());
        Assert.Equal(1, page3.GetProperty("items").GetArrayLength());
        var all = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}/items?limit=100", ct);
        var names = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("fileName").GetString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["a.wav", "b.wav", "c.wav", "tarred/f.wav", "tarred/sub/g.wav", "zipped/d.wav", "zipped/e.wav"], names);

        // --- Ranged audio of a.wav.
        var itemA = all.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("fileName").GetString() == "a.wav");
        var itemId = itemA.GetProperty("itemId").GetString();
        var one = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{id}/items/{itemId}", ct);
        Assert.Equal(itemA.GetProperty("contentHash").GetString(), one.GetProperty("contentHash").GetString());
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/datasets/{id}/items/{itemId}/audio"))
        {
            request.Headers.Range = new RangeHeaderValue(100, 1099);
            using var ranged = await client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Equal("audio/wav", ranged.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"bytes 100-1099/{a.Length}", ranged.Content.Headers.ContentRange?.ToString());
            Assert.Equal(a[100..1100], await ranged.Content.ReadAsByteArrayAsync(ct));
        }

        // --- A mixup job in the documented body shape, polled to completion.
        var jobResponse = await client.PostAsync("/api/jobs", Json($$$"""{"datasetId": "{{{id}}}", "seed": 7, "operations": [{"op": "mixup", "params": {"alpha": 0.4, "count": 10}}]}"""), ct);
        Assert.Equal(HttpStatusCode.Created, jobResponse.StatusCode);
        var jobId = (await jobResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetString()!;
        var status = await PollAsync(client, jobId, ct);
        Assert.Equal("completed", status.GetProperty("state").GetString());
        Assert.Equal(10, status.GetProperty("total").GetInt32());
        Assert.Equal(10, status.GetProperty("completed").GetInt32());

        // --- Manifest (NeMo JSONL with provenance).
        var lines = await ManifestAsync(client, jobId, ct);
        Assert.Equal(10, lines.Count);
        var fileNames = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("fileName").GetString()).ToHashSet();
        foreach (var line in lines)
        {
            Assert.StartsWith("outputs/", line.GetProperty("audio_filepath").GetString(), StringComparison.Ordinal);
            Assert.True(line.GetProperty("duration").GetDouble() > 0.2);
            Assert.False(string.IsNullOrEmpty(line.GetProperty("label").GetString()));
            var p = line.GetProperty("provenance");
            Assert.Equal("mixup", p.GetProperty("op").GetString());
            Assert.Equal(7, p.GetProperty("seed").GetInt64());
            var sources = p.GetProperty("sources").EnumerateArray().ToArray();
            Assert.Equal(2, sources.Length);
            Assert.Equal(2, p.GetProperty("gains").GetArrayLength());
            Assert.Equal([0.0, 0.0], p.GetProperty("offsets").EnumerateArray().Select(o => o.GetDouble()));
            Assert.InRange(p.GetProperty("lambda").GetDouble(), 0, 1);
            Assert.All(sources, s =>
            {
                Assert.Contains(s.GetProperty("file").GetString(), fileNames);
                Assert.True(double.IsFinite(s.GetProperty("gainDb").GetDouble()));
                Assert.Equal(0.0, s.GetProperty("offsetSeconds").GetDouble());
            });
        }

        // --- The outputs archive.
        using (var archive = await client.GetAsync($"/api/jobs/{jobId}/outputs", ct))
        {
            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
            Assert.Equal("application/zip", archive.Content.Headers.ContentType?.MediaType);
            using var zip = new ZipArchive(new MemoryStream(await archive.Content.ReadAsByteArrayAsync(ct)), ZipArchiveMode.Read);
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("manifest.jsonl", entries);
            var wavs = entries.Where(e => e.StartsWith("outputs/", StringComparison.Ordinal) && e.EndsWith(".wav", StringComparison.Ordinal)).ToList();
            Assert.Equal(10, wavs.Count);
            Assert.Equal(lines.Select(l => l.GetProperty("audio_filepath").GetString()).Order(), wavs.Order());
        }

        // --- Review: rejecting output 3 drops its manifest line.
        var review = await client.PostAsync($"/api/jobs/{jobId}/outputs/3/review", Json("""{"review": "rejected"}"""), ct);
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Equal("rejected", (await review.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("review").GetString());
        var afterReview = await ManifestAsync(client, jobId, ct);
        Assert.Equal(9, afterReview.Count);
        Assert.DoesNotContain(afterReview, l => l.GetProperty("audio_filepath").GetString() == "outputs/000003.wav");
        await AssertProblemAsync(await client.PostAsync($"/api/jobs/{jobId}/outputs/3/review", Json("""{"review": "maybe"}"""), ct), HttpStatusCode.BadRequest, "review", ct);

        // --- Error shapes.
        await AssertProblemAsync(await client.GetAsync("/api/datasets/nope", ct), HttpStatusCode.NotFound, "nope", ct);
        await AssertProblemAsync(await client.GetAsync("/api/datasets/nope/items", ct), HttpStatusCode.NotFound, "nope", ct);
        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(a), "files", "a.wav");
            await AssertProblemAsync(await client.PostAsync("/api/datasets/nope/items", form, ct), HttpStatusCode.NotFound, "nope", ct);
        }

        await AssertProblemAsync(await client.GetAsync("/api/jobs/nojob", ct), HttpStatusCode.NotFound, "nojob", ct);
        await AssertProblemAsync(await client.GetAsync("/api/jobs/nojob/manifest", ct), HttpStatusCode.NotFound, "nojob", ct);
        await AssertProblemAsync(await client.PostAsync("/api/jobs", Json("""{"seed": 1, "operations": [{"op": "mixup"}]}"""), ct), HttpStatusCode.BadRequest, "datasetId", ct);
        await AssertProblemAsync(await client.PostAsync("/api/jobs", Json($$"""{"datasetId": "{{id}}", "operations": []}"""), ct), HttpStatusCode.BadRequest, "operations", ct);
        await AssertProblemAsync(await client.PostAsync("/api/jobs", Json($$$"""{"datasetId": "{{{id}}}", "operations": [{"op": "mixup", "params": {"alpha": 0}}]}"""), ct), HttpStatusCode.BadRequest, "alpha", ct);
        await AssertProblemAsync(await client.PostAsync("/api/jobs", Json($$$"""{"datasetId": "{{{id}}}", "operations": [{"op": "mixup", "params": {"count": 10, "colour": 1}}]}"""), ct), HttpStatusCode.BadRequest, "colour", ct);
        await AssertProblemAsync(await client.PostAsync("/api/jobs", Json("""{"datasetId": "nope", "operations": [{"op": "mixup"}]}"""), ct), HttpStatusCode.NotFound, "nope", ct);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> UploadAsync(HttpClient client, string datasetId, MultipartFormDataContent form, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/api/datasets/{datasetId}/items", form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string mention, CancellationToken ct)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
            Assert.Contains(mention, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private static void AssertAccepted(JsonElement upload, params (string Name, string[] Labels)[] expected)
    {
        var accepted = upload.GetProperty("accepted").EnumerateArray()
            .ToDictionary(i => i.GetProperty("fileName").GetString()!, i => i.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), accepted.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, labels) in expected)
        {
            Assert.Equal(labels, accepted[name]);
        }
    }

    private static void AssertRejectedByName(JsonElement upload, params string[] names)
    {
        var rejected = upload.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), rejected.Select(r => r.GetProperty("fileName").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rejected, r => Assert.Contains(r.GetProperty("fileName").GetString()!, r.GetProperty("error").GetString(), StringComparison.Ordinal));
    }

    public static async Task<JsonElement> PollAsync(HttpClient client, string jobId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}", ct);
            var state = status.GetProperty("state").GetString();
            if (state is "completed" or "failed" or "cancelled")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} still {state} after 60 s");
            await Task.Delay(50, ct);
        }
    }

    public static async Task<List<JsonElement>> ManifestAsync(HttpClient client, string jobId, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/api/jobs/{jobId}/manifest", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static byte[] Zip()
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("zipped/");
            Add(zip, "zipped/d.wav", WebTestAudio.Wav(300, seed: 4));
            Add(zip, "zipped/e.wav", WebTestAudio.Wav(500, rate: 8000, seed: 5));
            Add(zip, "zipped/metadata.csv", Encoding.UTF8.GetBytes("file_name,label\nd.wav,dog\ne.wav,cat\n"));
            Add(zip, "../evil.wav", WebTestAudio.Wav(700, seed: 6));
            Add(zip, "__MACOSX/zipped/._d.wav", "mac resource fork"u8.ToArray());
            Add(zip, "zipped/.DS_Store", "finder"u8.ToArray());
            Add(zip, "notes.txt", "remember the milk"u8.ToArray());
        }

        return memory.ToArray();

        static void Add(ZipArchive zip, string name, byte[] data)
        {
            using var entry = zip.CreateEntry(name).Open();
            entry.Write(data);
        }
    }

    private static byte[] TarGz()
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "tarred/"));
            Add(tar, "tarred/metadata.csv", Encoding.UTF8.GetBytes("file_name,label\nf.wav,bird\nsub/g.wav,dog\n"));
            Add(tar, "tarred/f.wav", WebTestAudio.Wav(350, seed: 7));
            Add(tar, "tarred/sub/g.wav", WebTestAudio.Wav(450, rate: 44100, seed: 8));
            Add(tar, "../evil.wav", WebTestAudio.Wav(750, seed: 9));
            Add(tar, "tarred/._f.wav", "apple double"u8.ToArray());
        }

        return memory.ToArray();

        static void Add(TarWriter tar, string name, byte[] data) =>
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
    }
}
