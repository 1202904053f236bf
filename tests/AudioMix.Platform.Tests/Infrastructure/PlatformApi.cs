using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>The few REST calls the platform tests make, answering parsed JSON.</summary>
internal sealed class PlatformApi(HttpClient http)
{
    public async Task<string> CreateDatasetAsync(string name, string kind, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/datasets", new { name, kind }, ct);
        return (await ReadAsync(response, ct)).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> UploadAsync(string datasetId, IEnumerable<(string Name, byte[] Bytes)> files, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(part, "files", name);
        }

        using var response = await http.PostAsync($"api/datasets/{datasetId}/items", form, ct);
        return await ReadAsync(response, ct);
    }

    public async Task<JsonElement> StartJobAsync(object recipe, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/jobs", recipe, ct);
        return await ReadAsync(response, ct);
    }

    public async Task<JsonElement> JobAsync(string jobId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/jobs/{jobId}", ct);
        return await ReadAsync(response, ct);
    }

    /// <summary>Polls the job until <paramref name="until"/> holds, or fails after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitAsync(string jobId, Func<JsonElement, bool> until, TimeSpan timeout, CancellationToken ct, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        JsonElement status = default;
        while (clock.Elapsed < timeout)
        {
            using (var response = await http.GetAsync($"api/jobs/{jobId}", ct))
            {
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    // A silo died and the cluster is healing: the API says so and the caller retries.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                    continue;
                }

                status = await ReadAsync(response, ct);
            }

            if (until(status))
            {
                return status;
            }

            var state = status.GetProperty("state").GetString();
            Assert.False(state is "failed" or "cancelled", $"job {jobId} ended {state}: {status}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50), ct);
        }

        Assert.Fail($"job {jobId} did not get there within {timeout.TotalSeconds} s; last status {status}");
        return status;
    }

    public async Task<List<JsonElement>> OutputsAsync(string jobId, CancellationToken ct)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{jobId}/outputs?offset={all.Count}&limit=1000");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, ct);
            var page = await ReadAsync(response, ct);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count == 0 || all.Count >= page.GetProperty("total").GetInt32())
            {
                return all;
            }
        }
    }

    public async Task<byte[]> BytesAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
