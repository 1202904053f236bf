using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AudioMix.Audio;
using AudioMix.TestSupport;
using AudioMix.Web.UiTests.Infrastructure;
using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Browser;

/// <summary>
/// Every op the registry lists, started from its typed form in the browser: a captioned archive of drum loops uploaded
/// through the upload zone feeds the mixing, separation and speech ops; references and estimates (uploaded through the
/// REST API) feed <c>score</c>. Each job completes; each output's spectrogram on its job page is compared in the browser
/// with the same image without overlay (<c>?overlay=false</c>): the λ bar of mixup sits where λ says, beat_sync_mixup
/// draws both sources' grids, segment_vocals its boundaries, and ops without an overlay show the plain picture.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    // The loops: tempi within beat_sync_mixup's default 6 % tolerance, long enough for confident beat tracking.
    private static readonly (string Name, double Bpm, string Label, string Caption)[] Loops =
    [
        ("loop120.wav", 120, "rock", "A driving rock beat."),
        ("loop123.wav", 123, "funk", "Funky drums with open hats"),
    ];

    private const double LoopSeconds = 12;

    // Compares an <img> on the page with the same URL plus "&overlay=false", pixel by pixel, per horizontal band of
    // SpectrogramImage's layout (λ bar rows 0–5, waveform 6–69, gap, spectrogram upper half 72–135, lower half 136–199);
    // also counts the λ bar's first-source pixels (255,183,77) on its middle row.
    private const string CompareWithPlainScript = """
        async img => {
          const load = u => new Promise((ok, fail) => { const i = new Image(); i.onload = () => ok(i); i.onerror = () => fail(new Error('no image at ' + u)); i.src = u; });
          const plain = await load(img.src + '&overlay=false');
          const pixels = i => { const c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight; const g = c.getContext('2d'); g.drawImage(i, 0, 0); return g.getImageData(0, 0, c.width, c.height); };
          const a = pixels(img), b = pixels(plain);
          const bands = { bar: [0, 6], wave: [6, 70], upper: [72, 136], lower: [136, 200] };
          const result = { width: a.width, height: a.height, plainWidth: b.width, firstOnBar: 0 };
          for (const [name, [from, to]] of Object.entries(bands)) {
            let n = 0;
            for (let y = from; y < to; y++) for (let x = 0; x < a.width; x++) {
              const k = (y * a.width + x) * 4;
              if (a.data[k] !== b.data[k] || a.data[k + 1] !== b.data[k + 1] || a.data[k + 2] !== b.data[k + 2]) n++;
            }
            result[name] = n;
          }
          for (let x = 0; x < a.width; x++) { const k = (2 * a.width + x) * 4; if (a.data[k] === 255 && a.data[k + 1] === 183 && a.data[k + 2] === 77) result.firstOnBar++; }
          return result;
        }
        """;

    [Fact]
    public async Task Every_op_starts_from_its_typed_form_completes_and_shows_its_overlay()
    {
        var (context, page) = await OpenPageAsync();
        var api = context.APIRequest;
        var ops = JsonDocument.Parse(await (await api.GetAsync("/api/operations")).TextAsync()).RootElement
            .EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["beat_sync_mixup", "caption_mix", "detect_speech", "mixup", "score", "segment_vocals", "separate"], ops.Order());

        // The loops arrive as one zip archive (audio + metadata.jsonl with labels and captions) through the upload zone.
        var loopsId = await CreateDatasetAsync(api, "Loops (every op)", "music");
        await page.GotoAsync($"/datasets/{loopsId}");
        await page.Locator("[data-testid=upload-zone][data-ready=true]").WaitForAsync();
        await page.GetByTestId("upload-input").SetInputFilesAsync([LoopArchive()]);
        await Assertions.Expect(page.GetByTestId("dataset-item-count")).ToHaveTextAsync(Loops.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = ExpectTimeout });

        // MAPSS material: two sources, each with a reference and an estimate, in one group.
        var scoresId = await CreateDatasetAsync(api, "Scores (every op)", "sound");
        var form = api.CreateFormData();
        var metadata = new StringBuilder();
        foreach (var (source, f0, partials, syllable) in new[] { ("bass", 180.0, 8, 2.5), ("lead", 410.0, 3, 3.5) })
        {
            foreach (var role in new[] { "reference", "estimate" })
            {
                var name = $"g1_{source}_{role}.wav";
                form.Append("files", Wav(name, SyllableTones.Make(f0, partials, syllable, role == "estimate" ? 0.02 : 0)));
                metadata.Append(JsonSerializer.Serialize(new { file_name = name, group = "g1", role, source })).Append('\n');
            }
        }

        form.Append("files", new FilePayload { Name = "metadata.jsonl", MimeType = "application/jsonl", Buffer = Encoding.UTF8.GetBytes(metadata.ToString()) });
        Assert.True((await api.PostAsync($"/api/datasets/{scoresId}/items", new() { Multipart = form })).Ok);

        // Each op from its form: choose it, set what keeps it small, wait for the preflight's answer, start.
        var jobs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            await page.GotoAsync($"/jobs?dataset={(op == "score" ? scoresId : loopsId)}");
            await ChooseAsync(page, "job-op", op);
            switch (op)
            {
                case "mixup" or "beat_sync_mixup":
                    await FillNumberAsync(page, "count", op == "mixup" ? 2 : 1);
                    break;
                case "separate":
                    await ChooseAsync(page, "param-method", "hpss");
                    break;
                case "segment_vocals" or "detect_speech":
                    // RMS-VAD whatever models are installed, so the segments do not depend on the machine.
                    await ChooseAsync(page, "param-detector", "rms");
                    break;
            }

            await Assertions.Expect(page.GetByTestId("job-params-json")).ToContainTextAsync("parameters sent: {");
            await Assertions.Expect(page.GetByTestId("job-capacity").First).ToContainTextAsync($"{op}: the dataset can supply");

            await Assertions.Expect(page.GetByTestId("start-job")).ToBeEnabledAsync();
            await page.GetByTestId("start-job").ClickAsync();
            var started = page.Locator(".mud-snackbar", new() { HasTextRegex = new Regex(@"Job [0-9a-f]{12} started\.") }).Last;
            await Assertions.Expect(started).ToBeVisibleAsync();
            var jobId = Regex.Match(await started.TextContentAsync() ?? "", "Job ([0-9a-f]{12}) started").Groups[1].Value;
            Assert.False(jobs.ContainsValue(jobId), $"{op} reported job {jobId} again");
            jobs[op] = jobId;
            var status = JsonDocument.Parse(await (await api.GetAsync($"/api/jobs/{jobId}")).TextAsync()).RootElement;
            Assert.Equal([op], status.GetProperty("operations").EnumerateArray().Select(o => o.GetString()));
        }

        // The jobs list shows each one completed.
        await page.GotoAsync("/jobs");
        foreach (var (op, jobId) in jobs)
        {
            var row = page.Locator("[data-testid=jobs-table] tbody tr", new() { HasText = jobId });
            await Assertions.Expect(row.GetByTestId("job-state")).ToHaveTextAsync("Completed", new() { Timeout = 180_000 });
            await Assertions.Expect(row).ToContainTextAsync(op);
        }

        await Screenshots.SaveAsync(page, "jobs-every-op", documented: true);

        // Each job's page: its first rendered output's spectrogram, compared with the plain picture.
        foreach (var (op, jobId) in jobs)
        {
            var outputs = await OutputsAsync(api, jobId);
            Assert.True(outputs.Count > 0, $"{op} job {jobId} made no output");
            Assert.All(outputs, o => Assert.True(o["error"] is null, $"{op} output {o["index"]}: {o["error"]}"));
            var rendered = outputs.Where(o => o["outputKey"] is not null).ToList();
            if (rendered.Count == 0)
            {
                continue;
            }

            // segment_vocals: the output with the most segments, so boundaries are drawn when any were found.
            var output = op == "segment_vocals" ? rendered.MaxBy(Segments)! : rendered[0];
            var index = output["index"]!.GetValue<int>();
            await page.GotoAsync($"/jobs/{jobId}");
            var image = page.Locator($"tr:has([data-review-row=\"{index}\"]) img[data-testid=output-spectrogram]");
            await image.EvaluateAsync("i => { i.loading = 'eager'; }");
            await page.WaitForFunctionAsync("i => i.complete && i.naturalWidth > 0", await image.ElementHandleAsync(), new() { Timeout = ExpectTimeout });
            var diff = JsonNode.Parse(JsonSerializer.Serialize(await image.EvaluateAsync<JsonElement>(CompareWithPlainScript)))!.AsObject();
            TestContext.Current.TestOutputHelper?.WriteLine($"{op} job {jobId} output {index} vs plain: {diff.ToJsonString()}");
            int Band(string name) => diff[name]!.GetValue<int>();
            Assert.Equal(480, Band("width"));
            Assert.Equal(200, Band("height"));
            Assert.Equal(480, Band("plainWidth"));
            var provenance = JsonNode.Parse(output["provenanceJson"]!.GetValue<string>())!.AsObject();
            switch (op)
            {
                case "mixup":
                    // The λ bar: the first source's colour over λ of the width; the partner's start is a full-height line.
                    var lambda = provenance["lambda"]!.GetValue<double>();
                    Assert.InRange(Band("firstOnBar"), (int)Math.Floor(lambda * 480) - 1, (int)Math.Ceiling(lambda * 480) + 1);
                    Assert.True(Band("bar") > 0, $"mixup: no λ bar ({diff.ToJsonString()})");
                    break;
                case "beat_sync_mixup":
                    // Both grids: the anchor's in the upper half of the spectrogram, the partner's in the lower half.
                    Assert.True(Band("upper") > 0 && Band("lower") > 0, $"beat_sync_mixup: grids missing ({diff.ToJsonString()})");
                    Assert.Equal(0, Band("wave"));
                    break;
                case "segment_vocals":
                    Assert.Equal(Segments(output) > 0, Band("wave") > 0 && Band("upper") > 0);
                    break;
                case "caption_mix":
                    // λ is not recorded by caption_mix; the partner's start is, when it is not at 0.
                    var secondStart = provenance["sources"]?.AsArray().ElementAtOrDefault(1)?["offsetSeconds"];
                    Assert.Equal(secondStart is not null, Band("wave") > 0);
                    break;
                default:
                    // separate, detect_speech, score: no overlay, so the same picture.
                    Assert.Equal(0, Band("bar") + Band("wave") + Band("upper") + Band("lower"));
                    break;
            }
        }

        await page.GotoAsync($"/jobs/{jobs["beat_sync_mixup"]}");
        await WaitImagesAsync(page, "img[data-testid=output-spectrogram]", 480);
        await Screenshots.SaveAsync(page, "job-beat-sync", documented: true);
        await context.CloseAsync();
    }

    private static int Segments(JsonObject output) =>
        output["assets"] is JsonArray assets ? assets.Count(a => a?["start"] is not null && a["end"] is not null) : 0;

    private static async Task<string> CreateDatasetAsync(IAPIRequestContext api, string name, string kind)
    {
        var created = await api.PostAsync("/api/datasets", new() { DataObject = new { name, kind } });
        Assert.True(created.Ok, await created.TextAsync());
        return JsonDocument.Parse(await created.TextAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<List<JsonObject>> OutputsAsync(IAPIRequestContext api, string jobId)
    {
        var response = await api.GetAsync($"/api/jobs/{jobId}/outputs?limit=50", new() { Headers = new Dictionary<string, string> { ["Accept"] = "application/json" } });
        Assert.True(response.Ok, await response.TextAsync());
        return JsonNode.Parse(await response.TextAsync())!["items"]!.AsArray().Select(o => o!.AsObject()).ToList();
    }

    /// <summary>Picks <paramref name="value"/> in the MudSelect marked <paramref name="testId"/>.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string value)
    {
        // MudSelect's combobox input is not what is shown: the select around it takes the click.
        await page.Locator($"div.mud-input-control.mud-select:has([data-testid={testId}])").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex($"^{Regex.Escape(value)}$") }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    private static async Task FillNumberAsync(IPage page, string parameter, double value)
    {
        var field = page.Locator($"input[data-testid=param-{parameter}], [data-testid=param-{parameter}] input");
        await field.FillAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await field.PressAsync("Tab");
    }

    /// <summary>The loops and their metadata.jsonl (labels, captions) as one zip.</summary>
    private static FilePayload LoopArchive()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var metadata = new StringBuilder();
            foreach (var (loop, i) in Loops.Select((l, i) => (l, i)))
            {
                using (var entry = archive.CreateEntry(loop.Name).Open())
                {
                    entry.Write(Wav(loop.Name, DrumLoops.Make(loop.Bpm, LoopSeconds, seed: i + 1)).Buffer);
                }

                metadata.Append(JsonSerializer.Serialize(new { file_name = loop.Name, label = loop.Label, caption = loop.Caption })).Append('\n');
            }

            using var writer = new StreamWriter(archive.CreateEntry("metadata.jsonl").Open());
            writer.Write(metadata.ToString());
        }

        return new FilePayload { Name = "loops.zip", MimeType = "application/zip", Buffer = zip.ToArray() };
    }
}
