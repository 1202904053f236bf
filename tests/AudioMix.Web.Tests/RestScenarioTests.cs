using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Storage.Tests.Infrastructure;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>The REST scenario on the filesystem store.</summary>
public sealed class FileSystemRestScenarioTests : IAsyncLifetime
{
    private readonly PlatformFactory _factory = new();

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Datasets_uploads_archives_jobs_manifest_review_and_errors()
    {
        using var client = _factory.CreateClient();
        await RestScenario.RunAsync(client, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_jobs_list_shows_a_running_jobs_live_progress_and_stage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = _factory.CreateClient();
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "live", kind = "sound" }, ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(WebTestAudio.Wav(440, seed: 1)), "files", "a.wav");
            form.Add(WebTestAudio.File(WebTestAudio.Wav(550, seed: 2)), "files", "b.wav");
            form.Add(WebTestAudio.File(WebTestAudio.Wav(660, seed: 3)), "files", "c.wav");
            await RestScenario.UploadAsync(client, id, form, ct);
        }

        var started = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{id}}}", "seed": 1, "operations": [{"op": "mixup", "params": {"count": 4000}}]}"""), ct);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var listed = (await client.GetFromJsonAsync<JsonElement>("/api/jobs", ct)).EnumerateArray().Single(j => j.GetProperty("jobId").GetString() == jobId);
            var state = listed.GetProperty("state").GetString();
            Assert.True(state is "pending" or "planning" or "running", $"the job ended ({state}) before the list showed it rendering");
            if (state == "running" && listed.GetProperty("completed").GetInt32() > 0)
            {
                Assert.Equal("rendering", listed.GetProperty("progress").GetProperty("stage").GetString());
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the jobs list never showed the running job's progress");
            await Task.Delay(20, ct);
        }

        Assert.Equal("completed", (await RestScenario.PollAsync(client, jobId, ct)).GetProperty("state").GetString());
    }
}

/// <summary>The same REST scenario with the platform on Azure Blob storage (Azurite), in its own container.</summary>
public sealed class AzureBlobRestScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private PlatformFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = PlatformFactory.OnAzureBlob(azurite, "rest");
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Datasets_uploads_archives_jobs_manifest_review_and_errors()
    {
        using var client = _factory.CreateClient();
        await RestScenario.RunAsync(client, TestContext.Current.CancellationToken);
        // Nothing went to the local data directory: the platform really ran on blob storage.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_factory.DataDirectory));
    }
}
