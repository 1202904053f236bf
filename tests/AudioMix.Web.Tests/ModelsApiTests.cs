using System.Net.Http.Json;
using System.Text.Json;

namespace AudioMix.Web.Tests;

/// <summary><c>GET /api/models</c>: the pinned models with licence, hash, source, users and this silo's installation state.</summary>
public sealed class ModelsApiTests : IAsyncLifetime
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
    public async Task Lists_silero_vad_installed_with_its_licence_hash_and_ops()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = _factory.CreateClient();
        var models = (await client.GetFromJsonAsync<JsonElement>("/api/models", ct)).EnumerateArray().ToArray();

        var silero = Assert.Single(models, m => m.GetProperty("name").GetString() == "silero-vad");
        Assert.Equal("5", silero.GetProperty("version").GetString());
        Assert.Equal("MIT", silero.GetProperty("license").GetString());
        Assert.False(silero.GetProperty("requiresLicenseAcceptance").GetBoolean());
        Assert.Equal(AudioMix.Models.ModelCatalog.Get("silero-vad").Sha256, silero.GetProperty("sha256").GetString());
        Assert.Equal("npm @ricky0123/vad-web@0.0.31:package/dist/silero_vad_v5.onnx", silero.GetProperty("source").GetString());
        // infra/test installs the pinned models before the tests run.
        Assert.Equal("installed", silero.GetProperty("state").GetString());
        Assert.Equal(["segment_vocals", "detect_speech"], silero.GetProperty("usedBy").EnumerateArray().Select(v => v.GetString()));
    }
}
