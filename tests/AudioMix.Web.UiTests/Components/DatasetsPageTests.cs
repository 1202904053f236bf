using AudioMix.Abstractions.Datasets;
using AudioMix.Web.Components.Pages;
using AudioMix.Web.Components.Shared;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class DatasetsPageTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public void Lists_one_row_per_dataset_with_kind_items_and_total_duration()
    {
        _ctx.DatasetService.Datasets.Add(new DatasetSummary("a1", "Dogs and cats", DatasetKind.Sound, 120, 3725, DateTimeOffset.UnixEpoch));
        _ctx.DatasetService.Datasets.Add(new DatasetSummary("b2", "LibriSpeech dev", DatasetKind.Speech, 3, 42.0, DateTimeOffset.UnixEpoch));

        var cut = _ctx.Render<Datasets>();

        var rows = cut.FindAll("[data-testid=datasets-table] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Dogs and cats", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("sound", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("120", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("1 h 02 min", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("42.0 s", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("/datasets/b2", rows[1].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void Shows_a_hint_when_there_are_no_datasets()
    {
        var cut = _ctx.Render<Datasets>();

        Assert.Contains("No datasets yet", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_form_refuses_an_empty_name_without_calling_the_service()
    {
        var created = new List<DatasetSummary>();
        var cut = _ctx.Render<CreateDatasetForm>(p => p.Add(x => x.OnCreated, created.Add));

        cut.Find("[data-testid=create-dataset-submit]").Click();

        cut.WaitForAssertion(() => Assert.Contains("A dataset needs a name.", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(_ctx.DatasetService.Created);
        Assert.Empty(created);
    }

    [Fact]
    public void Create_form_creates_the_dataset_with_the_name_and_kind_given()
    {
        var created = new List<DatasetSummary>();
        var cut = _ctx.Render<CreateDatasetForm>(p => p.Add(x => x.OnCreated, created.Add));

        cut.Find("input[data-testid=dataset-name], [data-testid=dataset-name] input").Input("  Field recordings ");
        cut.Find("[data-testid=create-dataset-submit]").Click();

        cut.WaitForAssertion(() => Assert.Single(created));
        Assert.Equal([("Field recordings", DatasetKind.Sound)], _ctx.DatasetService.Created);
        Assert.Equal("Field recordings", created[0].Name);
    }
}
