using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AudioMix.Captions.Tests.Infrastructure;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>
/// A captioned dataset uploaded through the REST API yields caption mixes through both merging paths: the
/// built-in merger and an LLM (the loopback chat-completions server, configured into the platform).
/// </summary>
public sealed class CaptionMixScenarioTests : IAsyncLifetime
{
    private static readonly string[] Captions = ["A dog barks", "Rain falls on a roof", "A man speaks", "A bell rings", "A car engine idles"];

    private readonly FakeChatServer _llm = new() { Responder = FakeChatServer.JoinWithWhile };
    private readonly PlatformFactory _factory;

    public CaptionMixScenarioTests()
    {
        _factory = new PlatformFactory(settings: new Dictionary<string, string?>
        {
            ["AudioMix:Captions:Llm:Endpoint"] = _llm.Endpoint,
            ["AudioMix:Captions:Llm:Model"] = "fake-merger",
            ["AudioMix:Captions:Llm:ApiKey"] = "sk-platform",
            ["AudioMix:Captions:Llm:TimeoutSeconds"] = "10",
            ["AudioMix:Captions:Llm:RetryDelaySeconds"] = "0",
            ["AudioMix:Captions:Llm:Variants"] = "1",
        });
    }

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
        await _llm.DisposeAsync();
    }

    [Fact]
    public async Task Uploaded_captioned_clips_yield_mixes_with_merged_captions_through_both_mergers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = _factory.CreateClient();
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "captions", kind = "sound" }, ct);
        var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using (var form = new MultipartFormDataContent())
        {
            var metadata = new StringBuilder();
            for (var i = 0; i < Captions.Length; i++)
            {
                form.Add(WebTestAudio.File(WebTestAudio.Wav(200 + (150 * i), rate: i % 2 == 0 ? 16000 : 22050, seconds: 0.3 + (0.1 * i), seed: i)), "files", $"clip{i}.wav");
                metadata.Append(JsonSerializer.Serialize(new { file_name = $"clip{i}.wav", caption = Captions[i] })).Append('\n');
            }

            form.Add(WebTestAudio.File(Encoding.UTF8.GetBytes(metadata.ToString()), "application/jsonl"), "files", "metadata.jsonl");
            var upload = await RestScenario.UploadAsync(client, datasetId, form, ct);
            Assert.Equal(5, upload.GetProperty("dataset").GetProperty("itemCount").GetInt32());
        }

        foreach (var merger in new[] { "builtin", "llm" })
        {
            var response = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 3, "operations": [{"op": "caption_mix", "params": {"count": 4, "merger": "{{{merger}}}", "variants": 1}}]}"""), ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetString()!;
            var status = await RestScenario.PollAsync(client, jobId, ct);
            Assert.Equal("completed", status.GetProperty("state").GetString());
            Assert.Equal(4, status.GetProperty("completed").GetInt32());

            var lines = await RestScenario.ManifestAsync(client, jobId, ct);
            Assert.Equal(4, lines.Count);
            foreach (var line in lines)
            {
                var p = line.GetProperty("provenance");
                var sources = p.GetProperty("sourceCaptions").EnumerateArray().Select(s => s.GetString()!).ToArray();
                Assert.Equal(2, sources.Length);
                Assert.All(sources, s => Assert.Contains(s, Captions));
                var caption = line.GetProperty("caption").GetString()!;
                // Both source captions' words are in the merged one, from whichever path made it.
                foreach (var word in sources.SelectMany(s => s.ToLowerInvariant().Split(' ')).Where(w => w.Length > 3))
                {
                    Assert.Contains(word, caption.ToLowerInvariant(), StringComparison.Ordinal);
                }

                Assert.Equal(merger == "llm" ? "llm:fake-merger" : "builtin", p.GetProperty("merger").GetString());
                Assert.False(p.TryGetProperty("fallback", out _));
                Assert.Equal(3, p.GetProperty("seed").GetInt64());
                Assert.Equal(2, p.GetProperty("gains").GetArrayLength());
                Assert.Equal(2, p.GetProperty("offsets").GetArrayLength());
            }

            // The audiofolder metadata, standalone and inside the archive.
            var metadataText = await client.GetStringAsync($"/api/jobs/{jobId}/metadata.jsonl", ct);
            var rows = metadataText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
            Assert.Equal(lines.Select(l => l.GetProperty("audio_filepath").GetString()), rows.Select(r => r.GetProperty("file_name").GetString()));
            Assert.Equal(lines.Select(l => l.GetProperty("caption").GetString()), rows.Select(r => r.GetProperty("caption").GetString()));
            using (var zip = new ZipArchive(new MemoryStream(await client.GetByteArrayAsync($"/api/jobs/{jobId}/outputs", ct)), ZipArchiveMode.Read))
            {
                using var reader = new StreamReader(zip.GetEntry("metadata.jsonl")!.Open());
                Assert.Equal(metadataText, await reader.ReadToEndAsync(ct));
                Assert.All(rows, r => Assert.NotNull(zip.GetEntry(r.GetProperty("file_name").GetString()!)));
            }

            // A reviewer edits one merged caption; a blank edit is refused.
            var edit = await client.PutAsync($"/api/jobs/{jobId}/outputs/2/caption", RestScenario.Json("""{"caption": "A dog barks as rain drums on the roof."}"""), ct);
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
            Assert.Equal("A dog barks as rain drums on the roof.", (await edit.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("caption").GetString());
            var edited = (await RestScenario.ManifestAsync(client, jobId, ct))[2];
            Assert.Equal("A dog barks as rain drums on the roof.", edited.GetProperty("caption").GetString());
            Assert.Equal(lines[2].GetProperty("caption").GetString(), edited.GetProperty("provenance").GetProperty("originalCaption").GetString());
            await RestScenario.AssertProblemAsync(await client.PutAsync($"/api/jobs/{jobId}/outputs/2/caption", RestScenario.Json("""{"caption": " "}"""), ct), HttpStatusCode.BadRequest, "empty", ct);
            await RestScenario.AssertProblemAsync(await client.PutAsync($"/api/jobs/{jobId}/outputs/99/caption", RestScenario.Json("""{"caption": "x"}"""), ct), HttpStatusCode.NotFound, "99", ct);
        }

        // The LLM path really went over HTTP with the configured model and key.
        Assert.Equal(4, _llm.Requests.Count);
        Assert.All(_llm.Requests, r => Assert.Equal("fake-merger", r["model"]!.GetValue<string>()));
        Assert.All(_llm.Authorizations, a => Assert.Equal("Bearer sk-platform", a));
    }
}

/// <summary>A bad LLM configuration stops the platform at start with a message naming the setting.</summary>
public sealed class CaptionMixConfigurationTests
{
    [Theory]
    [InlineData("not a url", "fake", "AudioMix:Captions:Llm:Endpoint")]
    public async Task A_bad_llm_endpoint_configuration_fails_the_start_naming_the_setting(string endpoint, string model, string named)
    {
        var factory = new PlatformFactory(settings: new Dictionary<string, string?>
        {
            ["AudioMix:Captions:Llm:Endpoint"] = endpoint,
            ["AudioMix:Captions:Llm:Model"] = model,
        });
        try
        {
            var error = Assert.ThrowsAny<Exception>(factory.StartServer);
            Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }
}
