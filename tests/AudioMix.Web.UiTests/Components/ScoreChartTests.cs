using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Jobs;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class ScoreChartTests : IAsyncDisposable
{
    private const string Scores = """
        {"sources": [
          {"source": "vocals", "ps": 0.8, "pm": 0.9, "frames": [
            {"t": 0, "ps": 1, "pm": 0.5}, {"t": 0.02, "ps": 0.5, "pm": 1}, {"t": 0.04, "ps": null, "pm": null},
            {"t": 0.06, "ps": 0.25, "pm": 0.75}, {"t": 0.08, "ps": 0.75, "pm": 0.25}]},
          {"source": "drums", "ps": null, "pm": 0.4, "frames": [{"t": 0, "ps": null, "pm": 0.4}]}
        ]}
        """;

    private readonly DashboardTestContext _ctx = new();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private static JobOutput Output(IReadOnlyList<OutputAsset>? assets = null) =>
        new(0, "score", "k", 1, 16000, 1, null, null, null, null, "{}", null, ReviewState.Pending, assets);

    [Fact]
    public void Plots_PS_and_PM_per_source_with_gaps_at_unscored_frames()
    {
        var cut = _ctx.Render<ScoreChart>(p => p.Add(x => x.JobId, "job1").Add(x => x.Output, Output()).Add(x => x.ScoresJson, Scores));

        var charts = cut.FindAll("[data-testid=score-chart]");
        Assert.Equal(2, charts.Count);
        Assert.Contains("vocals", charts[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("PS 0.800", charts[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("PS –", charts[1].TextContent, StringComparison.Ordinal);

        // The null frame at 40 ms splits each series into two lines; duration 0.1 s spans the 600-unit width.
        var ps = charts[0].QuerySelectorAll("polyline[data-series=ps]").Select(l => l.GetAttribute("points")).ToArray();
        var pm = charts[0].QuerySelectorAll("polyline[data-series=pm]").Select(l => l.GetAttribute("points")).ToArray();
        Assert.Equal(["0,0 120,60", "360,90 480,30"], ps);
        Assert.Equal(["0,60 120,0", "360,30 480,90"], pm);

        // A source with no scored PS frame draws no PS line.
        Assert.Empty(charts[1].QuerySelectorAll("polyline[data-series=ps]"));
        Assert.Single(charts[1].QuerySelectorAll("polyline[data-series=pm]"));
    }

    [Fact]
    public void Says_so_when_the_output_has_no_scores_file()
    {
        var cut = _ctx.Render<ScoreChart>(p => p.Add(x => x.JobId, "job1").Add(x => x.Output, Output()));
        cut.WaitForAssertion(() => Assert.Contains("no scores file", cut.Find("[data-testid=score-chart-error]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_an_unreadable_scores_document()
    {
        var cut = _ctx.Render<ScoreChart>(p => p.Add(x => x.JobId, "job1").Add(x => x.Output, Output()).Add(x => x.ScoresJson, "{\"nope\": 1}"));
        Assert.Contains("could not be read", cut.Find("[data-testid=score-chart-error]").TextContent, StringComparison.Ordinal);
    }
}
