using System.Text.Json;
using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Browser;

/// <summary>
/// Housekeeping in the browser: rename a dataset inline, delete a job from the jobs list and the dataset from its page,
/// each through its confirmation dialog; the REST API then agrees (new name, 404s).
/// </summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task Rename_a_dataset_then_delete_its_job_and_the_dataset_with_confirmation()
    {
        var (context, page) = await OpenPageAsync();
        var api = context.APIRequest;
        var (datasetId, jobId) = await CompletedMixupAsync(context, "Housekeeping (browser test)", 2);

        // Rename inline.
        await page.GotoAsync($"/datasets/{datasetId}");
        await page.GetByTestId("dataset-rename").ClickAsync();
        await page.Locator("input[data-testid=dataset-rename-input], [data-testid=dataset-rename-input] input").FillAsync("Renamed in the browser");
        await page.GetByTestId("dataset-rename-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("dataset-title")).ToHaveTextAsync("Renamed in the browser");
        var dataset = JsonDocument.Parse(await (await api.GetAsync($"/api/datasets/{datasetId}")).TextAsync()).RootElement;
        Assert.Equal("Renamed in the browser", dataset.GetProperty("name").GetString());

        // Delete the job from the list: cancelling the dialog keeps it, confirming removes it.
        await page.GotoAsync("/jobs");
        var delete = page.GetByTestId($"delete-job-{jobId}");
        await delete.ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        Assert.Equal(200, (await api.GetAsync($"/api/jobs/{jobId}")).Status);
        await delete.ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId($"delete-job-{jobId}")).ToHaveCountAsync(0);
        Assert.Equal(404, (await api.GetAsync($"/api/jobs/{jobId}")).Status);
        Assert.Equal(404, (await api.GetAsync($"/api/jobs/{jobId}/manifest")).Status);

        // Delete the dataset from its page: the app goes back to the list, which no longer holds it.
        await page.GotoAsync($"/datasets/{datasetId}");
        await page.GetByTestId("dataset-delete").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync($"{_host!.BaseUrl.TrimEnd('/')}/datasets");
        await Assertions.Expect(page.GetByText("Renamed in the browser")).ToHaveCountAsync(0);
        Assert.Equal(404, (await api.GetAsync($"/api/datasets/{datasetId}")).Status);
        await context.CloseAsync();
    }

    /// <summary>A fresh browser context on the host (desktop viewport) and a page that reports browser errors to the test output.</summary>
    private async Task<(IBrowserContext Context, IPage Page)> OpenPageAsync()
    {
        var context = await _host!.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 }, BaseURL = _host.BaseUrl });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ExpectTimeout);
        page.PageError += (_, e) => TestContext.Current.TestOutputHelper?.WriteLine($"[browser error] {e}");
        return (context, page);
    }
}
