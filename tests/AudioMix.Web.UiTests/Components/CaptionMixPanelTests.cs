using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Pages;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class CaptionMixPanelTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public CaptionMixPanelTests()
    {
        _ctx.JobService.Jobs.Add(FakeJobService.Status("cjob", "ds1", JobState.Completed, 2, 2));
        _ctx.JobService.Outputs["cjob"] =
        [
            CaptionOutput(0, "A dog barks", "Rain falls on a roof", "A dog barks while rain falls on a roof.", rejected: true),
            CaptionOutput(1, "A man speaks", "A bell rings", "A man speaks as a bell rings."),
        ];
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private static JobOutput CaptionOutput(int index, string first, string second, string merged, bool rejected = false)
    {
        var provenance = new JsonObject
        {
            ["op"] = "caption_mix",
            ["seed"] = 7,
            ["sources"] = new JsonArray(new JsonObject { ["role"] = "first", ["item"] = "a" + index }, new JsonObject { ["role"] = "second", ["item"] = "b" + index }),
            ["sourceCaptions"] = new JsonArray(first, second),
            ["merger"] = rejected ? "llm:fake" : "builtin",
            ["captions"] = new JsonArray(merged, "Variant two of " + index + "."),
            ["rejected"] = rejected ? new JsonArray(new JsonObject { ["reply"] = "A dog barks.", ["reason"] = "misses words of the source captions: rain" }) : new JsonArray(),
        };
        return new JobOutput(index, "caption_mix", $"jobs/cjob/outputs/{index:D6}.wav", 2, 16000, 1, null, null, merged, null, provenance.ToJsonString(), null, ReviewState.Pending);
    }

    private IRenderedComponent<JobDetail> RenderLoaded()
    {
        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "cjob"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=caption-merged]").Count));
        return cut;
    }

    [Fact]
    public void The_outputs_table_shows_each_merged_caption_with_its_two_sources()
    {
        var cut = RenderLoaded();
        Assert.Equal(["“A dog barks while rain falls on a roof.”", "“A man speaks as a bell rings.”"], cut.FindAll("[data-testid=caption-merged]").Select(e => e.TextContent.Trim()));
        Assert.Equal("from “A dog barks” + “Rain falls on a roof”", cut.FindAll("[data-testid=caption-sources]")[0].TextContent.Trim());
    }

    [Fact]
    public void Details_show_sources_beside_the_editable_merged_caption_and_saving_calls_the_service()
    {
        var cut = RenderLoaded();
        cut.Find("[data-testid=details-0]").Click();
        Assert.Equal("A dog barks", cut.Find("[data-testid=source-caption-0]").TextContent.Trim());
        Assert.Equal("Rain falls on a roof", cut.Find("[data-testid=source-caption-1]").TextContent.Trim());
        Assert.Equal("A dog barks while rain falls on a roof.", cut.Find("[data-testid=caption-edit]").GetAttribute("value"));
        Assert.Equal(2, cut.FindAll("[data-testid=caption-variant]").Count);
        Assert.Contains("misses words of the source captions: rain", cut.Find("[data-testid=caption-rejected]").TextContent, StringComparison.Ordinal);
        Assert.True(cut.Find("[data-testid=caption-save]").HasAttribute("disabled"));

        cut.Find("[data-testid=caption-edit]").Change("A dog barks as rain drums on a roof.");
        cut.Find("[data-testid=caption-save]").Click();

        Assert.Equal([("cjob", 0, "A dog barks as rain drums on a roof.")], _ctx.JobService.CaptionEdits);
        cut.WaitForAssertion(() => Assert.Contains("Edited; merged caption was “A dog barks while rain falls on a roof.”", cut.Find("[data-testid=caption-original]").TextContent, StringComparison.Ordinal));
        Assert.Equal("A dog barks as rain drums on a roof.", _ctx.JobService.Outputs["cjob"][0].Caption);
        cut.WaitForAssertion(() => Assert.Equal("“A dog barks as rain drums on a roof.”", cut.FindAll("[data-testid=caption-merged]")[0].TextContent.Trim()));
    }

    [Fact]
    public void An_invalid_edit_shows_the_error_and_keeps_the_caption()
    {
        var cut = RenderLoaded();
        cut.Find("[data-testid=details-1]").Click();
        cut.Find("[data-testid=caption-edit]").Change("   ");
        // Blank differs from the current caption, so Save is enabled; the service refuses it.
        cut.Find("[data-testid=caption-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("must not be empty", cut.Find("[data-testid=caption-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("A man speaks as a bell rings.", _ctx.JobService.Outputs["cjob"][1].Caption);
    }

    [Fact]
    public void A_failed_unit_shows_no_caption_line_or_editor()
    {
        _ctx.JobService.Outputs["cjob"].Add(new JobOutput(2, "caption_mix", null, 0, 0, 0, null, null, null, null, "{\"op\":\"caption_mix\"}", "clip unreadable", ReviewState.Pending));
        var cut = _ctx.Render<JobDetail>(p => p.Add(x => x.Id, "cjob"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=caption-merged]").Count));
        cut.Find("[data-testid=details-2]").Click();
        Assert.Empty(cut.FindAll("[data-testid=caption-edit]"));
    }

    [Fact]
    public void A_merged_caption_can_be_rejected_with_the_review_buttons()
    {
        var cut = RenderLoaded();
        cut.Find("[data-testid=reject-0]").Click();
        Assert.Equal([("cjob", 0, ReviewState.Rejected)], _ctx.JobService.Reviews);
        cut.WaitForAssertion(() => Assert.Equal("rejected", cut.Find("[data-testid=review-0]").TextContent.Trim()));
    }
}
