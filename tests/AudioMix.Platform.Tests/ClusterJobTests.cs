using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Platform.Tests.Infrastructure;

namespace AudioMix.Platform.Tests;

/// <summary>
/// The job engine on a real multi-process cluster (infra/cluster/up: Redis membership, Azurite blob storage and grain
/// state, two standalone silos, the web host as a client): a 400-unit job renders on both silos; one silo is killed
/// with SIGKILL at about 30 % and the job still completes with exactly 400 outputs, each written once and
/// byte-identical to an uninterrupted run of the same recipe and seed.
/// </summary>
public sealed class ClusterJobTests : IAsyncDisposable
{
    private const int Units = 400;
    private readonly LocalCluster _cluster = new();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_job_spreads_over_two_silo_processes_and_survives_one_killed_with_sigkill()
    {
        var ct = TestContext.Current.CancellationToken;
        await _cluster.UpAsync(silos: 2, ct);
        using var http = new HttpClient { BaseAddress = new Uri(_cluster.Web + "/"), Timeout = TimeSpan.FromSeconds(40) };
        var api = new PlatformApi(http);
        var datasetId = await api.CreateDatasetAsync("cluster", "sound", ct);
        await api.UploadAsync(datasetId, Enumerable.Range(0, 8).Select(i => ($"clip{i}.wav", TestWav.Create(seed: i, seconds: 3))), ct);
        object Recipe() => new { datasetId, seed = 13, operations = new[] { new { op = "mixup", @params = new { count = Units } } } };

        var jobId = (await api.StartJobAsync(Recipe(), ct)).GetProperty("jobId").GetString()!;
        var atKill = await api.WaitAsync(jobId, s => s.GetProperty("completed").GetInt32() >= Units * 3 / 10, TimeSpan.FromSeconds(120), ct, TimeSpan.FromMilliseconds(20));
        Assert.Equal("running", atKill.GetProperty("state").GetString());
        var victim = _cluster.Silos[0];
        Process.GetProcessById(victim.Pid).Kill();

        var done = await api.WaitAsync(jobId, s => s.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(240), ct, TimeSpan.FromMilliseconds(250));
        Assert.True(atKill.GetProperty("completed").GetInt32() < Units, "the job finished before the kill");
        Assert.Equal((Units, Units, 0), (done.GetProperty("total").GetInt32(), done.GetProperty("completed").GetInt32(), done.GetProperty("failed").GetInt32()));

        var outputs = await OutputsAsync(api, jobId, ct);
        Assert.Equal(Enumerable.Range(0, Units), outputs.Select(o => o.GetProperty("index").GetInt32()));
        var silos = outputs.Select(o => JsonNode.Parse(o.GetProperty("provenanceJson").GetString()!)!["silo"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(new[] { "silo1", "silo2" }, silos.Order(StringComparer.Ordinal));
        var manifest = Encoding.UTF8.GetString(await api.BytesAsync($"api/jobs/{jobId}/manifest", ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Units, manifest.Length);
        Assert.Equal(Units, manifest.Select(l => JsonNode.Parse(l)!["audio_filepath"]!.GetValue<string>()).Distinct().Count());

        // The same recipe and seed on the surviving silo alone renders the same bytes.
        var againId = (await api.StartJobAsync(Recipe(), ct)).GetProperty("jobId").GetString()!;
        await api.WaitAsync(againId, s => s.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(240), ct, TimeSpan.FromMilliseconds(250));
        for (var i = 0; i < Units; i += 37)
        {
            Assert.Equal(await api.BytesAsync($"api/jobs/{againId}/outputs/{i}/audio", ct), await api.BytesAsync($"api/jobs/{jobId}/outputs/{i}/audio", ct));
        }
    }

    private static async Task<List<JsonElement>> OutputsAsync(PlatformApi api, string jobId, CancellationToken ct) =>
        [.. (await api.OutputsAsync(jobId, ct)).OrderBy(o => o.GetProperty("index").GetInt32())];
}
