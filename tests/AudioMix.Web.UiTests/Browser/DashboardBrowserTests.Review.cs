using System.Text.Json;
using AudioMix.Web.UiTests.Infrastructure;
using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Browser;

/// <summary>
/// Reviewing in the browser: spectrogram previews on items and outputs, the A/B player switching tracks at the same
/// position, keyboard review of ten outputs, bulk rejection of a filtered set and the accepted-only manifest. Each page
/// is saved with the test results; AUDIOMIX_UPDATE_SCREENSHOTS=1 refreshes the copies under docs/screenshots/ (linked from
/// the README).
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const int ReviewOutputs = 12;

    [Fact]
    public async Task Review_outputs_with_previews_ab_player_keyboard_and_bulk_actions()
    {
        var (context, page) = await OpenPageAsync();
        var api = page.APIRequest;

        // A dataset of three tones and a completed mixup job of twelve, through the REST API.
        var (datasetId, jobId) = await CompletedMixupAsync(context, "Review (browser test)", ReviewOutputs);

        // Items show their previews (the PNG loaded, at the requested width).
        await page.GotoAsync($"/datasets/{datasetId}");
        await Assertions.Expect(page.Locator("img[data-testid=item-spectrogram]")).ToHaveCountAsync(3, new() { Timeout = ExpectTimeout });
        await WaitImagesAsync(page, "img[data-testid=item-spectrogram]", 320);
        await Screenshots.SaveAsync(page, "dataset", documented: true);

        // Outputs show theirs.
        await page.GotoAsync($"/jobs/{jobId}");
        await Assertions.Expect(page.Locator("img[data-testid=output-spectrogram]")).ToHaveCountAsync(ReviewOutputs, new() { Timeout = ExpectTimeout });
        await WaitImagesAsync(page, "img[data-testid=output-spectrogram]", 480);
        await Assertions.Expect(page.GetByTestId("review-summary-mixup")).ToContainTextAsync($"0 accepted · 0 rejected · {ReviewOutputs} pending");

        // Keyboard review of ten outputs: j selects the first row; a/r record and move to the next.
        await page.Locator("body").ClickAsync(new() { Position = new Position { X = 5, Y = 5 } });
        await page.Keyboard.PressAsync("j");
        for (var i = 0; i < 10; i++)
        {
            await page.Keyboard.PressAsync(i % 2 == 0 ? "a" : "r");
            await Assertions.Expect(page.GetByTestId($"review-{i}")).ToHaveTextAsync(i % 2 == 0 ? "accepted" : "rejected");
        }

        await Assertions.Expect(page.GetByTestId("review-summary-mixup")).ToContainTextAsync("5 accepted · 5 rejected · 2 pending");
        await Assertions.Expect(page.Locator("tr.am-current [data-review-row=\"10\"]")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "job-review", documented: true);

        // A/B: the output and its two sources on one timeline; key 2 switches to the anchor at the same position.
        await page.GetByTestId("details-10").ClickAsync();
        var ab = page.Locator("[data-ab=\"10\"]");
        await Assertions.Expect(ab.Locator("[data-testid^=ab-track-]")).ToHaveCountAsync(3);
        await ab.Locator("audio[data-ab-audio=\"0\"]").EvaluateAsync("a => new Promise(done => { const go = () => { a.currentTime = 0.5; done(); }; if (a.readyState >= 1) { go(); } else { a.addEventListener('loadedmetadata', go, { once: true }); a.load(); } })");
        await page.Keyboard.PressAsync("2");
        await Assertions.Expect(ab.GetByTestId("ab-current")).ToHaveTextAsync("anchor");
        await page.WaitForFunctionAsync("a => a.readyState >= 1 && Math.abs(a.currentTime - 0.5) < 0.05", await ab.Locator("audio[data-ab-audio=\"1\"]").ElementHandleAsync(), new() { Timeout = ExpectTimeout });
        await Assertions.Expect(ab.GetByTestId("ab-track-1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("am-ab-on"));

        // Loop a region while playing: playback stays inside it.
        await ab.GetByTestId("ab-loop-start").FillAsync("0.2");
        await ab.GetByTestId("ab-loop-end").FillAsync("0.4");
        await ab.GetByTestId("ab-loop").CheckAsync();
        await ab.Locator("audio[data-ab-audio=\"1\"]").EvaluateAsync("a => { a.muted = true; }");
        await ab.GetByTestId("ab-play").ClickAsync();
        await page.WaitForTimeoutAsync(700);
        var position = await ab.Locator("audio[data-ab-audio=\"1\"]").EvaluateAsync<double>("a => a.currentTime");
        Assert.InRange(position, 0.15, 0.45);
        await Screenshots.SaveAsync(page, "job-ab", documented: true);
        await ab.GetByTestId("ab-play").ClickAsync();

        // Bulk: filter the outputs mixed mostly from their partner, reject them all after confirming.
        var low = await CountAsync(api, jobId, "lambda < 0.5");
        await page.Locator("input[data-testid=output-filter], [data-testid=output-filter] input").FillAsync("lambda < 0.5");
        await page.GetByTestId("apply-filter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("filtered-count")).ToHaveTextAsync($"{low} shown");
        await page.GetByTestId("bulk-reject").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync();
        // (The snackbar counts those that changed: some were already rejected by the keyboard review.)
        await Assertions.Expect(page.GetByText("outputs rejected.", new() { Exact = false })).ToBeVisibleAsync();
        Assert.Equal(low, await CountAsync(api, jobId, "lambda < 0.5 and review = rejected"));

        // The accepted-only manifest: exactly the accepted outputs, each line keeping its review.
        var accepted = await CountAsync(api, jobId, "review = accepted");
        var manifest = await api.GetAsync(await page.GetByTestId("accepted-manifest-link").GetAttributeAsync("href") ?? "");
        var lines = (await manifest.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(accepted, lines.Length);
        Assert.All(lines, l => Assert.Equal("accepted", JsonDocument.Parse(l).RootElement.GetProperty("review").GetString()));
        await Screenshots.SaveAsync(page, "job-filtered", documented: true);

        // The jobs page: its form checks the chosen dataset's capacity as values change.
        await page.GotoAsync($"/jobs?dataset={datasetId}");
        await Assertions.Expect(page.Locator("[data-testid=jobs-table] tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("job-capacity")).ToContainTextAsync("mixup: the dataset can supply");
        await Screenshots.SaveAsync(page, "jobs", documented: true);
        await page.GotoAsync("/datasets");
        await Assertions.Expect(page.Locator("[data-testid=datasets-table] tbody tr")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "datasets", documented: true);
        await context.CloseAsync();
    }

    /// <summary>A dataset of three tones and a completed mixup job of <paramref name="count"/>, made through the REST API.</summary>
    private static async Task<(string DatasetId, string JobId)> CompletedMixupAsync(IBrowserContext context, string name, int count)
    {
        var api = context.APIRequest;
        var created = await api.PostAsync("/api/datasets", new() { DataObject = new { name, kind = "sound" } });
        var datasetId = JsonDocument.Parse(await created.TextAsync()).RootElement.GetProperty("id").GetString()!;
        var form = api.CreateFormData();
        form.Append("files", Wav("low.wav", 220, 16000, 1.0));
        form.Append("files", Wav("mid.wav", 440, 16000, 1.2));
        form.Append("files", Wav("high.wav", 880, 22050, 0.8));
        Assert.True((await api.PostAsync($"/api/datasets/{datasetId}/items", new() { Multipart = form })).Ok);
        var started = await api.PostAsync("/api/jobs", new() { DataObject = new { datasetId, seed = 11, operations = new[] { new { op = "mixup", @params = new { count, alpha = 1.0 } } } } });
        var jobId = JsonDocument.Parse(await started.TextAsync()).RootElement.GetProperty("id").GetString()!;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200, TestContext.Current.CancellationToken))
        {
            var state = JsonDocument.Parse(await (await api.GetAsync($"/api/jobs/{jobId}")).TextAsync()).RootElement.GetProperty("state").GetString();
            Assert.True(state is not ("failed" or "cancelled"), $"job {jobId} {state}");
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} still {state} after 60 s");
            if (state == "completed")
            {
                return (datasetId, jobId);
            }
        }
    }

    private static async Task<int> CountAsync(IAPIRequestContext api, string jobId, string filter)
    {
        var response = await api.GetAsync($"/api/jobs/{jobId}/outputs?limit=1&filter={Uri.EscapeDataString(filter)}", new() { Headers = new Dictionary<string, string> { ["Accept"] = "application/json" } });
        return JsonDocument.Parse(await response.TextAsync()).RootElement.GetProperty("total").GetInt32();
    }

    private static async Task WaitImagesAsync(IPage page, string selector, int width) =>
        await page.WaitForFunctionAsync(
            $"() => {{ const imgs = [...document.querySelectorAll('{selector}')]; imgs.forEach(i => i.loading = 'eager'); return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth === {width} && i.naturalHeight === 200); }}",
            null, new() { Timeout = ExpectTimeout, PollingInterval = 200 });
}
