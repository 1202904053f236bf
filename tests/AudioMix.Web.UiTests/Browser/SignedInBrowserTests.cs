using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AudioMix.Web.Tests;
using AudioMix.Web.UiTests.Infrastructure;
using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Browser;

/// <summary>
/// The dashboard in ApiKey mode in a real browser (Debian's chromium): a writer of owner "alpha" is sent to the sign-in
/// form, signs in with its key once, sees its owner and role, uploads and runs a job (the browser's upload and
/// downloads carry the session), never sees owner "beta"'s dataset or job (not listed, 404 by id), and signs out.
/// </summary>
public sealed partial class SignedInBrowserTests : IAsyncLifetime
{
    private const string AdminKey = "browser-test-bootstrap-admin-key-0123456789";
    private static readonly float ExpectTimeout = 30_000;
    private BrowserHost? _host;

    public async ValueTask InitializeAsync() => _host = await BrowserHost.StartAsync(new PlatformFactory(settings: new Dictionary<string, string?>
    {
        ["AudioMix:Auth:Mode"] = "ApiKey",
        ["AudioMix:Auth:AdminKey"] = AdminKey,
    }));

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_writer_signs_in_uploads_runs_a_job_and_cannot_see_another_owners_data()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(_host!.BaseUrl) };
        var alphaKey = await CreateKeyAsync(http, "alpha writer", "writer", "alpha", ct);
        var betaKey = await CreateKeyAsync(http, "beta writer", "writer", "beta", ct);
        var (betaDataset, betaJob) = await BetaDataAsync(http, betaKey, ct);

        var context = await _host.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 }, BaseURL = _host.BaseUrl });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ExpectTimeout);
        page.Console += (_, m) => TestContext.Current.TestOutputHelper?.WriteLine($"[browser {m.Type}] {m.Text}");
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"[http {r.Status}] {r.Request.Method} {r.Url}");
            }
        };
        var expect = new PageAssertionsToHaveURLOptions { Timeout = ExpectTimeout };

        // 1. Not signed in: the dashboard sends the browser to the sign-in form; a wrong key is refused there.
        await page.GotoAsync("/datasets");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fdatasets$"), expect);
        await page.GetByTestId("signin-key").FillAsync("amk_000000000000_not-a-real-key");
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signin-error")).ToBeVisibleAsync();

        // 2. Sign in with the writer key: back at the datasets, showing owner and role; the session cookie is HTTP-only and SameSite=Strict.
        await page.GetByTestId("signin-key").FillAsync(alphaKey);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/datasets$"), expect);
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("alpha · writer");
        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == "AudioMix.Session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(alphaKey, session.Value, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("datasets-table")).ToContainTextAsync("No datasets yet");

        // 3. Create a dataset and upload through the browser (the upload carries the session and the antiforgery token).
        await page.GetByTestId("new-dataset").ClickAsync();
        await page.Locator("input[data-testid=dataset-name], [data-testid=dataset-name] input").FillAsync("Alpha's pets");
        await page.GetByTestId("create-dataset-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(DatasetUrl(), expect);
        var datasetId = DatasetUrl().Match(page.Url).Groups[1].Value;
        await page.Locator("[data-testid=upload-zone][data-ready=true]").WaitForAsync();
        await page.GetByTestId("upload-input").SetInputFilesAsync(
        [
            DashboardBrowserTests.Wav("dog.wav", 440, 16000, 1.0),
            DashboardBrowserTests.Wav("cat.wav", 660, 16000, 1.0),
            DashboardBrowserTests.Wav("bird.wav", 880, 16000, 1.0),
        ]);
        await Assertions.Expect(page.GetByTestId("upload-accepted")).ToContainTextAsync("3 file(s) accepted", new() { Timeout = ExpectTimeout });

        // 4. Run a job from the form; only alpha's job is listed.
        await page.GotoAsync($"/jobs?dataset={datasetId}");
        var count = page.Locator("input[data-testid=param-count], [data-testid=param-count] input");
        await count.FillAsync("3");
        await count.PressAsync("Tab");
        await page.GetByTestId("start-job").ClickAsync();
        var rows = page.Locator("[data-testid=jobs-table] tbody tr");
        await Assertions.Expect(rows.First.GetByTestId("job-state")).ToHaveTextAsync("Completed", new() { Timeout = ExpectTimeout });
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("jobs-table")).Not.ToContainTextAsync(betaJob);
        await rows.First.Locator("a").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(JobUrl(), expect);
        var jobId = JobUrl().Match(page.Url).Groups[1].Value;

        // Downloads from the browser carry the session: the manifest of alpha's job.
        var manifest = await page.APIRequest.GetAsync($"/api/jobs/{jobId}/manifest");
        Assert.Equal(200, manifest.Status);
        Assert.Equal(3, (await manifest.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // 5. Beta's data: absent from the list, "does not exist" by id on the page and 404 from the API.
        await page.GotoAsync("/datasets");
        await Assertions.Expect(page.Locator("[data-testid=datasets-table] tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("datasets-table")).Not.ToContainTextAsync("Beta's private set");
        await page.GotoAsync($"/datasets/{betaDataset}");
        await Assertions.Expect(page.GetByText($"Dataset {betaDataset} does not exist.")).ToBeVisibleAsync();
        await page.GotoAsync($"/jobs/{betaJob}");
        await Assertions.Expect(page.GetByText($"Job {betaJob} does not exist.")).ToBeVisibleAsync();
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/datasets/{betaDataset}")).Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/jobs/{betaJob}/manifest")).Status);
        await Screenshots.SaveAsync(page, "signed-in");

        // 6. Sign out: back at the form, and the API no longer answers this browser.
        await page.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signin"), expect);
        Assert.Equal(401, (await page.APIRequest.GetAsync("/api/datasets")).Status);
        await context.CloseAsync();
    }

    private static async Task<string> CreateKeyAsync(HttpClient http, string name, string role, string owner, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name, role, owner }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("key").GetString()!;
    }

    // Owner beta's dataset (two items) and a job on it, made over REST with beta's key.
    private static async Task<(string Dataset, string Job)> BetaDataAsync(HttpClient http, string key, CancellationToken ct)
    {
        async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent content)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Add("X-Api-Key", key);
            using var response = await http.SendAsync(request, ct);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }

        var dataset = (await SendAsync(HttpMethod.Post, "/api/datasets", JsonContent.Create(new { name = "Beta's private set" }))).GetProperty("id").GetString()!;
        using var form = new MultipartFormDataContent();
        foreach (var (name, frequency) in new[] { ("x.wav", 300.0), ("y.wav", 500.0) })
        {
            var content = new ByteArrayContent(DashboardBrowserTests.Wav(name, frequency, 16000, 0.5).Buffer);
            content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(content, "files", name);
        }

        await SendAsync(HttpMethod.Post, $"/api/datasets/{dataset}/items", form);
        var job = (await SendAsync(HttpMethod.Post, "/api/jobs", new StringContent(
            $$$"""{"datasetId": "{{{dataset}}}", "operations": [{"op": "mixup", "params": {"count": 2}}]}""", Encoding.UTF8, "application/json"))).GetProperty("id").GetString()!;
        return (dataset, job);
    }

    [GeneratedRegex("/datasets/([0-9a-f]{12})$")]
    private static partial Regex DatasetUrl();

    [GeneratedRegex("/jobs/([0-9a-f]{12})$")]
    private static partial Regex JobUrl();
}
