using System.Net.Http.Json;
using System.Text.Json;

using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary><c>GET /api/operations</c>: the registry's operations with their parameter schemas; <c>GET /api/models</c>: the models they load.</summary>
public sealed class OperationsApiTests : PlatformTest
{
    [Fact]
    public async Task Lists_every_operation_with_its_schema_and_defaults()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Factory.CreateClient();
        var ops = (await client.GetFromJsonAsync<JsonElement>("/api/operations", ct)).EnumerateArray().ToArray();

        Assert.Equal(
            ["beat_sync_mixup", "caption_mix", "detect_speech", "mixup", "score", "segment_vocals", "separate"],
            ops.Select(o => o.GetProperty("name").GetString()));
        foreach (var op in ops)
        {
            Assert.False(string.IsNullOrWhiteSpace(op.GetProperty("description").GetString()));
            using var defaults = JsonDocument.Parse(op.GetProperty("defaultParametersJson").GetString()!);
            Assert.Equal(JsonValueKind.Object, defaults.RootElement.ValueKind);
            Assert.NotEmpty(op.GetProperty("parameters").EnumerateArray());
        }

        var alpha = ops.Single(o => o.GetProperty("name").GetString() == "mixup").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "alpha");
        Assert.Equal("number", alpha.GetProperty("type").GetString());
        Assert.Equal("0.4", alpha.GetProperty("defaultJson").GetString());
        Assert.Equal(0.001, alpha.GetProperty("min").GetDouble());
        Assert.Equal(1000, alpha.GetProperty("max").GetDouble());

        var margin = ops.Single(o => o.GetProperty("name").GetString() == "separate").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "margin");
        Assert.Equal("method", margin.GetProperty("appliesWhen").GetProperty("parameter").GetString());
        Assert.Equal(["hpss"], margin.GetProperty("appliesWhen").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        var method = ops.Single(o => o.GetProperty("name").GetString() == "separate").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "method");
        Assert.Equal("choice", method.GetProperty("type").GetString());
        Assert.Contains("two-stage-hpss", method.GetProperty("choices").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Lists_silero_vad_installed_with_its_licence_hash_and_ops()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Factory.CreateClient();
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
