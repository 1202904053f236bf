using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioMix.Storage;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>The per-file upload limit, and that uploads stream rather than buffer.</summary>
// Heap figures are process-wide: run alone so other test classes' allocations do not pollute them.
[Collection(nameof(UploadLimitsTests))]
public sealed class UploadLimitsTests : IAsyncDisposable
{
    private const long Limit = 64 * 1024;
    private PlatformFactory? _factory;

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory.DeleteData();
        }
    }

    private HttpClient Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _factory = new PlatformFactory(settings: settings);
        _factory.StartServer();
        // No redirect handler: Mvc.Testing's RedirectHandler buffers request bodies (to re-send them on a 307),
        // which would put the whole upload in this same process's heap and hide what the server does.
        var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = _factory.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        client.Timeout = TimeSpan.FromMinutes(2);
        return client;
    }

    private static async Task<string> CreateDatasetAsync(HttpClient client, CancellationToken ct)
    {
        var response = await client.PostAsync("/api/datasets", RestScenario.Json("""{"name": "limits", "kind": "music"}"""), ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_by_name_and_the_rest_of_the_request_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Start(new Dictionary<string, string?> { ["AudioMix:Web:MaxUploadBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var id = await CreateDatasetAsync(client, ct);
        var big = WebTestAudio.Wav(440, seconds: 6); // 192 kB > 64 kB
        var small = WebTestAudio.Wav(660, seconds: 0.5, seed: 1); // 16 kB
        Assert.True(big.Length > Limit && small.Length < Limit);

        using var form = new MultipartFormDataContent();
        form.Add(WebTestAudio.File(big), "files", "big.wav");
        form.Add(WebTestAudio.File(small), "files", "small.wav");
        var upload = await RestScenario.UploadAsync(client, id, form, ct);

        var accepted = Assert.Single(upload.GetProperty("accepted").EnumerateArray());
        Assert.Equal("small.wav", accepted.GetProperty("fileName").GetString());
        var rejected = Assert.Single(upload.GetProperty("rejected").EnumerateArray());
        Assert.Equal("big.wav", rejected.GetProperty("fileName").GetString());
        var error = rejected.GetProperty("error").GetString();
        Assert.Contains("big.wav", error, StringComparison.Ordinal);
        Assert.Contains("limit", error, StringComparison.Ordinal);
        // No partial blob of the refused file is left behind.
        var store = new FileSystemBlobStore(_factory!.DataDirectory);
        var blobs = new List<string>();
        await foreach (var blob in store.ListAsync($"datasets/{id}/", ct))
        {
            blobs.Add(blob.Key);
        }

        Assert.Equal([accepted.GetProperty("blobKey").GetString()!], blobs);
    }

    [Fact]
    public async Task A_50_MB_upload_streams_without_raising_the_managed_heap_by_its_size()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Start();
        var id = await CreateDatasetAsync(client, ct);
        const long Size = 50L * 1024 * 1024;

        // Warm up the path (JIT, pools) with a small upload so the measurement sees steady state.
        using (var warm = new MultipartFormDataContent())
        {
            warm.Add(WebTestAudio.File(WebTestAudio.Wav(300, seconds: 0.2)), "files", "warm.wav");
            await RestScenario.UploadAsync(client, id, warm, ct);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Live bytes (after a full collection): garbage between collections says nothing about buffering.
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(50);
            }
        }, ct);

        var clock = Stopwatch.StartNew();
        JsonElement upload;
        using (var form = new MultipartFormDataContent())
        {
            var file = new StreamContent(new GeneratedWavStream(Size), 64 * 1024);
            file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(file, "files", "long.wav");
            upload = await RestScenario.UploadAsync(client, id, form, ct);
        }

        clock.Stop();
        await stop.CancelAsync();
        await sampler;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var item = Assert.Single(upload.GetProperty("accepted").EnumerateArray());
        Assert.Equal(Size, item.GetProperty("sizeBytes").GetInt64() - 44);
        Assert.Equal(Size / (48000.0 * 4), item.GetProperty("duration").GetDouble(), 3);
        const double Mb = 1024 * 1024;
        var message = $"50 MB upload + analysis: {clock.Elapsed.TotalSeconds:F2} s ({Size / Mb / clock.Elapsed.TotalSeconds:F1} MB/s); " +
            $"heap baseline {baseline / Mb:F1} MB, peak +{(peak - baseline) / Mb:F1} MB, after +{(after - baseline) / Mb:F1} MB; allocated {allocated / Mb:F1} MB";
        TestContext.Current.SendDiagnosticMessage(message);
        Console.WriteLine(message);
        // Buffering the file anywhere would hold ≥ 50 MB at once; streaming stays far below that
        // (measured alone: live peak about +5 MB, +2 MB after; the bounds leave room for runtime noise).
        Assert.True(peak - baseline < 32 * Mb, message);
        Assert.True(after - baseline < 16 * Mb, message);
    }
}

/// <summary>Runs <see cref="UploadLimitsTests"/> with no other test class in parallel.</summary>
[CollectionDefinition(nameof(UploadLimitsTests), DisableParallelization = true)]
public sealed class UploadLimitsGroup;
