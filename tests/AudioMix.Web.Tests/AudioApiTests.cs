using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AudioMix.Web.Tests;

/// <summary>Runs the real web host on a loopback Kestrel port and talks HTTP to it.</summary>
public sealed class AudioApiTests : IAsyncLifetime
{
    private readonly PlatformFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Health_answers_ok()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/api/health", TestContext.Current.CancellationToken);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cluster_health_lists_the_co_hosted_silo()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Single(body.GetProperty("silos").EnumerateArray());
    }

    [Fact]
    public async Task Inspect_reports_format_duration_and_loudness_of_an_uploaded_wav()
    {
        // 1 s of a 1 kHz sine at -20 dBFS peak, stereo 48 kHz.
        const int rate = 48000;
        var left = new float[rate];
        for (var i = 0; i < rate; i++)
        {
            left[i] = 0.1f * MathF.Sin(2 * MathF.PI * 1000 * i / rate);
        }

        var buffer = new AudioBuffer(rate, [left, (float[])left.Clone()]);
        using var wav = new MemoryStream();
        using (var writer = new WavWriter(wav, rate, 2, WavSampleFormat.Pcm16, leaveOpen: true))
        {
            writer.Write(buffer);
        }

        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(wav.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        content.Add(file, "file", "sine.wav");

        var response = await _client.PostAsync("/api/audio/inspect", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("sine.wav", body.GetProperty("fileName").GetString());
        Assert.Equal("wav", body.GetProperty("format").GetString());
        Assert.Equal(rate, body.GetProperty("sampleRate").GetInt32());
        Assert.Equal(2, body.GetProperty("channels").GetInt32());
        Assert.Equal(rate, body.GetProperty("frames").GetInt64());
        // EBU Tech 3341 case 1 scaled: a 1 kHz stereo sine at -X dBFS peak reads -X LUFS.
        Assert.InRange(body.GetProperty("integratedLufs").GetDouble(), -20.1, -19.9);
        Assert.InRange(body.GetProperty("samplePeakDbfs").GetDouble(), -20.1, -19.9);
    }

    [Fact]
    public async Task Inspect_rejects_a_non_audio_file_with_a_problem_naming_it()
    {
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent("this is a shopping list, not audio"u8.ToArray()), "file", "notes.wav");

        var response = await _client.PostAsync("/api/audio/inspect", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("notes.wav", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_without_a_form_is_a_415_problem()
    {
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/api/audio/inspect", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_inspect_endpoint()
    {
        var doc = await _client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Contains("/api/audio/inspect", doc, StringComparison.Ordinal);
    }
}
