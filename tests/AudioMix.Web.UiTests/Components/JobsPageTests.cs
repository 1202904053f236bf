using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Pages;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class JobsPageTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public JobsPageTests()
    {
        _ctx.DatasetService.Datasets.Add(new DatasetSummary("ds1", "Dogs and cats", DatasetKind.Sound, 10, 30, DateTimeOffset.UnixEpoch));
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private static string[] ProgressValues(IRenderedComponent<Jobs> cut) =>
        [.. cut.FindAll("[data-testid=jobs-table] tbody [role=progressbar]").Select(e => e.GetAttribute("aria-valuenow") ?? "?")];

    [Fact]
    public void Shows_each_jobs_state_and_progress()
    {
        _ctx.JobService.Jobs.Add(FakeJobService.Status("j-run", "ds1", JobState.Running, 10, 3));
        _ctx.JobService.Jobs.Add(FakeJobService.Status("j-done", "ds1", JobState.Completed, 8, 7, failed: 1));

        var cut = _ctx.Render<Jobs>(p => p.Add(x => x.PollInterval, TimeSpan.FromHours(1)));

        Assert.Equal(["30", "100"], ProgressValues(cut));
        var rows = cut.FindAll("[data-testid=jobs-table] tbody tr");
        Assert.Contains("Running", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("3 / 10 done", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Dogs and cats", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("1 failed", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("/jobs/j-run", rows[0].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void Polls_while_a_job_is_unfinished_and_stops_once_all_are_finished()
    {
        var job = FakeJobService.Status("j1", "ds1", JobState.Running, 4, 0);
        _ctx.JobService.Jobs.Add(job);
        // Each poll advances the job by one unit; it completes on the fourth.
        _ctx.JobService.OnList = s =>
        {
            var current = s.Jobs[0];
            if (s.ListCalls > 1 && !current.IsFinished)
            {
                var done = current.Completed + 1;
                s.Jobs[0] = current with { Completed = done, State = done == 4 ? JobState.Completed : JobState.Running };
            }
        };

        var cut = _ctx.Render<Jobs>(p => p.Add(x => x.PollInterval, TimeSpan.FromMilliseconds(30)));

        cut.WaitForAssertion(() => Assert.Equal(["100"], ProgressValues(cut)), TimeSpan.FromSeconds(5));
        Assert.Contains("Completed", cut.Find("[data-testid=job-state]").TextContent, StringComparison.Ordinal);
        var calls = _ctx.JobService.ListCalls;
        Thread.Sleep(200);
        Assert.Equal(calls, _ctx.JobService.ListCalls);
    }

    [Fact]
    public void Recipe_form_starts_a_mixup_job_with_the_chosen_parameters()
    {
        var cut = _ctx.Render<Jobs>();

        // One dataset: it is preselected.
        cut.Find("[data-testid=start-job]").Click();

        cut.WaitForAssertion(() => Assert.Single(_ctx.JobService.Started));
        var spec = _ctx.JobService.Started[0];
        Assert.Equal("ds1", spec.DatasetId);
        Assert.Equal(42, spec.Seed);
        var op = Assert.Single(spec.Operations);
        Assert.Equal("mixup", op.Op);
        // Every field at its default: nothing is sent, so the op's own defaults apply.
        Assert.Equal("{}", op.ParametersJson);
        Assert.Equal(new OutputSpec("pcm16", null), spec.Output);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=jobs-table] tbody tr")));
    }

    [Fact]
    public void A_failed_job_shows_its_error_and_no_bar_when_it_never_counted_units()
    {
        var error = "Job failed while planning: " + new string('x', 300) + " the end";
        _ctx.JobService.Jobs.Add(FakeJobService.Status("j-failed", "ds1", JobState.Failed, 0, 0) with { Error = error });
        _ctx.JobService.Jobs.Add(FakeJobService.Status("j-half", "ds1", JobState.Failed, 10, 5) with { Error = "Disk full." });

        var cut = _ctx.Render<Jobs>(p => p.Add(x => x.PollInterval, TimeSpan.FromHours(1)));

        var rows = cut.FindAll("[data-testid=jobs-table] tbody tr");
        Assert.Empty(rows[0].QuerySelectorAll("[role=progressbar]"));
        Assert.DoesNotContain("0 / 0 done", rows[0].TextContent, StringComparison.Ordinal);
        var shown = rows[0].QuerySelector("[data-testid=job-error-text]")!;
        Assert.Equal(error, shown.GetAttribute("title"));
        Assert.Contains("Job failed while planning: xxx", shown.QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        Assert.True(shown.QuerySelector("summary")!.TextContent.Trim().Length <= 120);

        var bar = Assert.Single(rows[1].QuerySelectorAll("[role=progressbar]"));
        Assert.Contains("mud-progress-linear-color-error", bar.ClassName ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("Disk full.", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_job_shows_its_stage_in_the_list()
    {
        _ctx.JobService.Jobs.Add(FakeJobService.Status("j-run", "ds1", JobState.Running, 0, 0) with
        {
            Progress = new JobProgress(JobStage.Preparing, "beat_sync_mixup", 120, 400),
        });

        var cut = _ctx.Render<Jobs>(p => p.Add(x => x.PollInterval, TimeSpan.FromHours(1)));

        Assert.Equal("Preparing beat_sync_mixup: 120 / 400 items", cut.Find("[data-testid=jobs-table] [data-testid=job-stage]").TextContent.Trim());
        Assert.Empty(ProgressValues(cut));
    }
}
