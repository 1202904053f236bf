using AudioMix.Abstractions.Models;
using AudioMix.Web.Components.Pages;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class ModelsPageTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public void Lists_each_model_with_version_licence_state_users_and_hash_and_says_how_to_install_a_missing_one()
    {
        _ctx.ModelService.Models.Add(new ModelInfo(
            "silero-vad", "5", "Silero VAD v5", "MIT", "weights MIT; package ISC", false, new string('a', 64),
            "npm @ricky0123/vad-web@0.0.31:package/dist/silero_vad_v5.onnx", "installed", "/m/silero-vad/silero_vad_v5.onnx", ["segment_vocals", "detect_speech"]));
        _ctx.ModelService.Models.Add(new ModelInfo(
            "research-sep", "1", "A research-only separator", "CC-BY-NC-4.0", null, true, new string('b', 64),
            "npm some-package@1.0.0:model.onnx", "missing", "/m/research-sep/model.onnx", ["separate"]));

        var cut = _ctx.Render<AudioMix.Web.Components.Pages.Models>();

        var rows = cut.FindAll("[data-testid=models-table] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("silero-vad", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("MIT", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("segment_vocals, detect_speech", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("aaaaaaaaaaaa…", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("installed", rows[0].QuerySelector("[data-testid=model-state]")!.TextContent.Trim());
        Assert.DoesNotContain("infra/models/install", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("missing", rows[1].QuerySelector("[data-testid=model-state]")!.TextContent.Trim());
        Assert.Contains("infra/models/install research-sep", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("infra/models/install research-sep --accept-license CC-BY-NC-4.0", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("opt-in: install needs --accept-license CC-BY-NC-4.0", rows[1].TextContent, StringComparison.Ordinal);
    }
}
