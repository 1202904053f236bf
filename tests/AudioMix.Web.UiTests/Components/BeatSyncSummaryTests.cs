using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Jobs;
using AudioMix.Web.Services;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class BeatSyncSummaryTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private static JobOutput Output(string provenance) =>
        new(3, "beat_sync_mixup", "jobs/j/outputs/000003.wav", 10.24, 44100, 2, null, null, null, null, provenance, null, ReviewState.Pending,
            Metrics: new Dictionary<string, double> { ["tempo"] = 128 });

    private const string Provenance = """
        {"op":"beat_sync_mixup","lambda":0.5234,"anchorTempo":128.04,"partnerTempo":62.3,"octaveFactor":2,"stretchRatio":0.973,
         "sources":[{"role":"anchor","item":"i1","file":"house.wav"},{"role":"partner","item":"i2","file":"dub.wav"}]}
        """;

    [Fact]
    public void Output_row_shows_the_tempo_the_pair_the_folding_the_stretch_and_lambda()
    {
        var cut = _ctx.Render<OutputSummary>(p => p.Add(x => x.Output, Output(Provenance)));

        Assert.Equal("128.0 BPM", cut.Find("[data-testid=beat-sync-tempo]").TextContent);
        Assert.Equal("house.wav ← dub.wav", cut.Find("[data-testid=beat-sync-pair]").TextContent);
        var text = cut.Find("[data-testid=beat-sync-summary]").TextContent;
        Assert.Contains("62.3 BPM ×2 folded", text, StringComparison.Ordinal);
        Assert.Contains("stretched ×0.973", text, StringComparison.Ordinal);
        Assert.Contains("λ 0.52", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unstretched_pairs_say_so_and_other_ops_or_foreign_provenance_show_no_pair()
    {
        var plain = _ctx.Render<OutputSummary>(p => p.Add(x => x.Output, Output(Provenance.Replace("0.973", "1", StringComparison.Ordinal).Replace("\"octaveFactor\":2", "\"octaveFactor\":1", StringComparison.Ordinal))));
        Assert.Contains("not stretched", plain.Find("[data-testid=beat-sync-summary]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("folded", plain.Markup, StringComparison.Ordinal);

        var foreign = _ctx.Render<OutputSummary>(p => p.Add(x => x.Output, Output("""{"op":"beat_sync_mixup","lambda":0.5}""")));
        Assert.Empty(foreign.FindAll("[data-testid=beat-sync-summary]"));

        var mixup = _ctx.Render<OutputSummary>(p => p.Add(x => x.Output, Output(Provenance) with { Op = "mixup" }));
        Assert.Empty(mixup.FindAll("[data-testid=beat-sync-summary]"));
    }

    [Fact]
    public void Job_form_offers_the_op_with_valid_default_parameters()
    {
        var op = new FakeJobService().Operations.Single(o => o.Name == "beat_sync_mixup");
        using var json = System.Text.Json.JsonDocument.Parse(op.DefaultParametersJson);
        Assert.Equal(5, json.RootElement.GetProperty("alpha").GetDouble());
        Assert.Equal("anchor", json.RootElement.GetProperty("labels").GetString());
    }
}
