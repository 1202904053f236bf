using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Pages;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class JobDetailTests : IAsyncDisposable
{
    // Polling tests wait on timers: under a loaded CI machine the dispatcher can be slow to run a check.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly DashboardTestContext _ctx = new();

    public JobDetailTests()
    {
        _ctx.JobService.Jobs.Add(FakeJobService.Status("job1", "ds1", JobState.Completed, 2, 2));
        _ctx.JobService.Outputs["job1"] = [FakeJobService.Output(0, "itemA", "itemB"), FakeJobService.Output(1, "itemC", "itemA")];
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private IRenderedComponent<JobDetail> RenderLoaded()
    {
        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "job1"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("audio[data-testid=output-audio]").Count));
        return cut;
    }

    [Fact]
    public void Renders_one_player_per_output_pointing_at_its_audio()
    {
        var cut = RenderLoaded();

        var players = cut.FindAll("audio[data-testid=output-audio]");
        Assert.Equal(["/api/jobs/job1/outputs/0/audio", "/api/jobs/job1/outputs/1/audio"], players.Select(a => a.GetAttribute("src")));
        Assert.All(players, a => Assert.Equal("none", a.GetAttribute("preload")));
        Assert.All(players, a => Assert.True(a.HasAttribute("controls")));
        Assert.Contains("dog 0.7 · cat 0.3", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("/api/jobs/job1/manifest", cut.Find("[data-testid=manifest-link]").GetAttribute("href"));
        Assert.Equal("/api/jobs/job1/outputs", cut.Find("[data-testid=archive-link]").GetAttribute("href"));
        Assert.Equal("100", cut.Find("[data-testid=job-progress]").GetAttribute("aria-valuenow"));
    }

    [Fact]
    public void A_running_job_shows_its_stage_and_a_full_outputs_page_is_not_refetched_while_it_renders()
    {
        var outputs = Enumerable.Range(0, 30).Select(i => FakeJobService.Output(i, "itemA", "itemB")).ToList();
        _ctx.JobService.Outputs["job2"] = outputs;
        _ctx.JobService.Jobs.Add(FakeJobService.Status("job2", "ds1", JobState.Running, 400, 30) with
        {
            Progress = new JobProgress(JobStage.Rendering, null, 30, 400, Shards: 16, ShardsRunning: 4, Silos: 2),
        });
        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "job2").Add(x => x.PollInterval, TimeSpan.FromMilliseconds(20)));
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("audio[data-testid=output-audio]").Count), Patience);
        Assert.Equal("Rendering: 30 / 400 units · 4 of 16 shards on 2 silos", cut.Find("[data-testid=job-stage]").TextContent.Trim());
        var calls = _ctx.JobService.OutputCalls;

        // More outputs arrive; the first page (25 rows) is full, so polling reads the summary only.
        outputs.AddRange(Enumerable.Range(30, 20).Select(i => FakeJobService.Output(i, "itemA", "itemB")));
        _ctx.JobService.Replace(FakeJobService.Status("job2", "ds1", JobState.Running, 400, 50) with
        {
            Progress = new JobProgress(JobStage.Rendering, null, 50, 400, Shards: 16, ShardsRunning: 4, Silos: 2),
        });
        cut.WaitForAssertion(() => Assert.Contains("50 / 400", cut.Find("[data-testid=job-stage]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(calls, _ctx.JobService.OutputCalls);

        // When the job finishes the table is refreshed once and the stage line goes away.
        _ctx.JobService.Replace(FakeJobService.Status("job2", "ds1", JobState.Completed, 50, 50));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=job-stage]")), Patience);
        cut.WaitForAssertion(() => Assert.Equal(calls + 1, _ctx.JobService.OutputCalls), Patience);
    }

    [Fact]
    public void Reject_calls_the_service_and_shows_the_new_verdict()
    {
        var cut = RenderLoaded();

        cut.Find("[data-testid=reject-1]").Click();

        Assert.Equal([("job1", 1, ReviewState.Rejected)], _ctx.JobService.Reviews);
        cut.WaitForAssertion(() => Assert.Equal("rejected", cut.Find("[data-testid=review-1]").TextContent.Trim()));
        Assert.Equal("pending", cut.Find("[data-testid=review-0]").TextContent.Trim());
    }

    [Fact]
    public void Details_show_source_players_and_pretty_provenance()
    {
        var cut = RenderLoaded();
        Assert.Empty(cut.FindAll("audio[data-testid=source-audio]"));

        cut.Find("[data-testid=details-0]").Click();

        var sources = cut.FindAll("audio[data-testid=source-audio]");
        Assert.Equal(["/api/datasets/ds1/items/itemA/audio", "/api/datasets/ds1/items/itemB/audio"], sources.Select(a => a.GetAttribute("src")));
        var provenance = cut.Find("[data-testid=provenance]").TextContent;
        Assert.Contains("\n  \"op\": \"mixup\"", provenance, StringComparison.Ordinal);
        Assert.Contains("weight 0.3", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Details_play_each_audio_asset_link_data_assets_and_show_metrics()
    {
        _ctx.JobService.Outputs["job1"][0] = FakeJobService.Output(0, "itemA", "itemB") with
        {
            Assets =
            [
                new OutputAsset("vocals", "jobs/job1/outputs/000000/vocals.wav", "audio/wav", 3.5, 1.0, 4.5, "la la"),
                new OutputAsset("scores", "jobs/job1/outputs/000000/scores.json", "application/json", 0),
            ],
            Metrics = new Dictionary<string, double> { ["pm"] = 0.95, ["ps"] = double.NaN },
        };
        var cut = RenderLoaded();
        Assert.Contains("pm 0.95 · ps n/a", cut.Find("[data-testid=output-metrics]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=details-0]").Click();

        var player = cut.Find("audio[data-testid=asset-audio]");
        Assert.Equal("/api/jobs/job1/outputs/0/assets/vocals", player.GetAttribute("src"));
        Assert.Equal(2, cut.FindAll("[data-testid=output-asset]").Count);
        Assert.Contains("1.00–4.50 s of the source", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("/api/jobs/job1/outputs/0/assets/scores", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Separation_rows_name_the_method_and_stems_and_details_play_the_mixture_and_each_stem()
    {
        _ctx.JobService.Outputs["job1"][0] = FakeJobService.Output(0, "itemA", "itemB") with
        {
            Op = "separate",
            ProvenanceJson = """{"op":"separate","method":"hpss","sources":[{"role":"mixture","item":"itemA"}]}""",
            Assets =
            [
                new OutputAsset("harmonic", "jobs/job1/outputs/000000/harmonic.wav", "audio/wav", 3),
                new OutputAsset("percussive", "jobs/job1/outputs/000000/percussive.wav", "audio/wav", 3),
            ],
        };
        var cut = RenderLoaded();
        Assert.Equal("hpss · harmonic + percussive", cut.Find("[data-testid=separation-summary]").TextContent.Trim());

        cut.Find("[data-testid=details-0]").Click();

        Assert.Equal(["/api/jobs/job1/outputs/0/assets/harmonic", "/api/jobs/job1/outputs/0/assets/percussive"],
            cut.FindAll("audio[data-testid=asset-audio]").Select(a => a.GetAttribute("src")));
        Assert.Equal("/api/datasets/ds1/items/itemA/audio", Assert.Single(cut.FindAll("audio[data-testid=source-audio]")).GetAttribute("src"));
    }

    [Fact]
    public void An_unknown_job_says_so()
    {
        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "nope"));

        Assert.Contains("Job nope does not exist.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_job_shows_its_error_above_everything_else()
    {
        _ctx.JobService.Jobs.Add(FakeJobService.Status("job2", "ds1", JobState.Failed, 0, 0) with { Error = "The dataset has fewer than two items." });

        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "job2"));

        cut.WaitForAssertion(() => Assert.Contains("Failed: The dataset has fewer than two items.",
            cut.Find("[data-testid=job-failure]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=job-progress]"));
    }

    [Fact]
    public void Each_output_shows_its_spectrogram_and_the_review_summary_counts_per_op()
    {
        _ctx.JobService.Outputs["job1"][1] = _ctx.JobService.Outputs["job1"][1] with { Review = ReviewState.Rejected };
        var cut = RenderLoaded();

        Assert.Equal(
            ["/api/jobs/job1/outputs/0/spectrogram.png?width=480", "/api/jobs/job1/outputs/1/spectrogram.png?width=480"],
            cut.FindAll("img[data-testid=output-spectrogram]").Select(i => i.GetAttribute("src")));
        cut.WaitForAssertion(() => Assert.Contains("0 accepted · 1 rejected · 1 pending", System.Text.RegularExpressions.Regex.Replace(cut.Find("[data-testid=review-summary-mixup]").TextContent, @"\s+", " "), StringComparison.Ordinal));
        Assert.Equal("/api/jobs/job1/manifest?review=accepted", cut.Find("[data-testid=accepted-manifest-link]").GetAttribute("href"));
        Assert.Equal(["0", "1"], cut.FindAll("[data-review-row]").Select(r => r.GetAttribute("data-review-row")));
    }

    [Fact]
    public void The_filter_narrows_the_outputs_and_a_bad_filter_says_what_is_wrong()
    {
        _ctx.JobService.Outputs["job1"][1] = _ctx.JobService.Outputs["job1"][1] with { Review = ReviewState.Accepted };
        var cut = RenderLoaded();

        cut.Find("input[data-testid=output-filter], [data-testid=output-filter] input").Input("review = accepted");
        cut.Find("[data-testid=apply-filter]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["1"], cut.FindAll("[data-review-row]").Select(r => r.GetAttribute("data-review-row"))));
        Assert.Contains("1 shown", cut.Find("[data-testid=filtered-count]").TextContent, StringComparison.Ordinal);

        cut.Find("input[data-testid=output-filter], [data-testid=output-filter] input").Input("lambda >");
        cut.Find("[data-testid=apply-filter]").Click();

        cut.WaitForAssertion(() => Assert.Contains("expected a value after 'lambda &gt;'", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-review-row]"));
    }

    [Fact]
    public void Expanded_outputs_have_an_ab_player_with_the_output_and_each_source_on_keys_1_to_3()
    {
        var cut = RenderLoaded();
        cut.Find("[data-testid=details-0]").Click();

        var ab = cut.Find("[data-ab='0']");
        Assert.Equal(["output", "anchor", "partner"], ab.QuerySelectorAll("audio[data-ab-audio]").Select(a => a.GetAttribute("data-ab-name")));
        Assert.Equal(
            ["/api/jobs/job1/outputs/0/audio", "/api/datasets/ds1/items/itemA/audio", "/api/datasets/ds1/items/itemB/audio"],
            ab.QuerySelectorAll("audio[data-ab-audio]").Select(a => a.GetAttribute("src")));
        Assert.Contains("keys 1–3 switch", ab.TextContent, StringComparison.Ordinal);
    }
}
