using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Operations;
using AudioMix.Grains.Tests.Infrastructure;
using AudioMix.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class BeatSyncMixupJobTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static readonly double[] Tempi = [120, 123, 100, 61];

    private async Task<string> CreateDatasetAsync()
    {
        var datasetId = TestData.NewKey("beats");
        await TestData.CreateDatasetAsync(
            Client, fixture.Store, datasetId, count: Tempi.Length, labels: ["rock", "funk", "jazz", "dub"],
            clips: i => DrumLoops.Make(Tempi[i], 12, seed: i + 1),
            captions: ["A driving rock beat.", "Funky drums", "Brushed jazz kit", "Slow dub groove"]);
        return datasetId;
    }

    private static JobSpec Spec(string datasetId, long seed, string parametersJson) =>
        new(datasetId, seed, [new OperationSpec(BeatSyncMixupOperation.OpName, parametersJson)], new OutputSpec());

    private async Task<(JobStatus Status, JsonObject[] Lines)> RunAsync(string datasetId, long seed, string parametersJson)
    {
        var jobId = TestData.NewKey("bjob");
        await Client.GetGrain<IJobGrain>(jobId).StartAsync(Spec(datasetId, seed, parametersJson));
        var (status, _) = await TestData.WaitAsync(Client, jobId, TimeSpan.FromSeconds(90));
        Assert.True(status.State == JobState.Completed, $"job {status.State}: {status.Error}");
        var manifest = Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, status.ManifestKey!));
        var lines = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        return (status, lines);
    }

    [Fact]
    public async Task Job_mixes_tempo_compatible_pairs_records_provenance_and_reuses_cached_analyses()
    {
        var datasetId = await CreateDatasetAsync();
        var items = await Client.GetGrain<IDatasetGrain>(datasetId).GetAllItemsAsync();
        var parameters = """{"count": 3, "length": 4, "labels": "merged", "maxUses": 3}""";

        var cache = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredService<BeatAnalysisCache>();
        var runsBefore = cache.TrackerRuns;
        var (first, lines) = await RunAsync(datasetId, 5, parameters);
        var runsAfterFirst = cache.TrackerRuns;
        Assert.InRange(runsAfterFirst - runsBefore, 0, items.Count);
        Assert.True(first.Total >= 2, $"120, 123 and 61 BPM (folded) should pair; got {first.Total} units");
        Assert.Equal(first.Total, lines.Length);
        Assert.Equal(0, first.Failed);
        foreach (var line in lines)
        {
            Assert.Equal(4.0, line["duration"]!.GetValue<double>(), 2);
            var p = line["provenance"]!.AsObject();
            Assert.Equal("beat_sync_mixup", p["op"]!.GetValue<string>());
            var pair = p["pair"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            Assert.Equal(2, pair.Length);
            Assert.DoesNotContain("item0002", pair); // 100 BPM: nothing within 6 %, even folded
            var (anchorTempo, partnerTempo) = (p["anchorTempo"]!.GetValue<double>(), p["partnerTempo"]!.GetValue<double>());
            var folded = partnerTempo * p["octaveFactor"]!.GetValue<double>();
            Assert.True(Math.Abs(anchorTempo / folded - 1) <= 0.06, $"{anchorTempo} vs {folded}");
            Assert.InRange(p["stretchRatio"]!.GetValue<double>(), 0.94, 1.07);
            Assert.InRange(p["lambda"]!.GetValue<double>(), 0, 1);
            Assert.True(p["anchorDownbeat"]!.GetValue<double>() >= 0);
            Assert.True(p["partnerCut"]!.GetValue<double>() >= 0);
            Assert.True(p["predictedGridOffsetMs"]!.GetValue<double>() < 20);
            Assert.Equal(2, p["gains"]!.AsArray().Count);
            Assert.Equal(2, p["offsets"]!.AsArray().Count);
            Assert.Equal(2, p["sources"]!.AsArray().Count);
            var sourceCaptions = p["sources"]!.AsArray().Select(source => source!["caption"]?.GetValue<string>()).ToArray();
            var merged = line["caption"]!.GetValue<string>();
            Assert.NotNull(sourceCaptions[0]);
            Assert.NotNull(sourceCaptions[1]);
            Assert.True(merged == BeatSyncMixupOperation.MergeCaptions(sourceCaptions[0], sourceCaptions[1])
                || merged == BeatSyncMixupOperation.MergeCaptions(sourceCaptions[1], sourceCaptions[0]), merged);
            Assert.Equal(1.0, line["soft_labels"]!.AsObject().Sum(kv => kv.Value!.GetValue<double>()), 5);
            Assert.True(line["metrics"]!["tempo"]!.GetValue<double>() > 0);
        }

        // Every item's analysis is cached by content hash. Doctor the cache (tempo + 0.5 BPM, still compatible): a second
        // job that reused the cache reports the doctored tempi, one that re-tracked the audio would not.
        var doctored = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = BeatAnalysisCache.Key(item.ContentHash);
            var analysis = JsonNode.Parse(await TestData.ReadAllAsync(fixture.Store, key))!.AsObject();
            var tempo = analysis["tempo"]!.GetValue<double>() + 0.5;
            analysis["tempo"] = tempo;
            doctored[item.ItemId] = tempo;
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(analysis.ToJsonString()));
            await fixture.Store.WriteAsync(key, content);
        }

        var (_, again) = await RunAsync(datasetId, 5, parameters);
        Assert.NotEmpty(again);
        Assert.Equal(runsAfterFirst, cache.TrackerRuns);
        foreach (var line in again)
        {
            var p = line["provenance"]!.AsObject();
            var pair = p["pair"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            Assert.Equal(Math.Round(doctored[pair[0]], 4), p["anchorTempo"]!.GetValue<double>(), 6);
            Assert.Equal(Math.Round(doctored[pair[1]], 4), p["partnerTempo"]!.GetValue<double>(), 6);
        }
    }

    [Fact]
    public async Task Pairs_only_job_writes_aligned_levelled_sources_and_a_pair_file_instead_of_a_mix()
    {
        var datasetId = await CreateDatasetAsync();
        var (status, lines) = await RunAsync(datasetId, 9, """{"count": 2, "bars": 2, "pairsOnly": true, "labels": "both"}""");

        Assert.Equal(status.Total * 2, lines.Length);
        var job = Client.GetGrain<IJobGrain>(JobIdOf(status));
        foreach (var output in (await job.GetOutputsAsync(0, 10)).Items)
        {
            Assert.Equal(["anchor", "partner", "pair"], output.Assets!.Select(a => a.Name));
            var pair = JsonNode.Parse(await TestData.ReadAllAsync(fixture.Store, output.Assets![2].Key))!.AsObject();
            Assert.True(pair["pairsOnly"]!.GetValue<bool>());
            foreach (var field in new[] { "lambda", "stretchRatio", "anchorDownbeat", "partnerCut", "anchorTempo", "partnerTempo" })
            {
                Assert.True(pair[field] is not null, $"pair file lacks {field}");
            }

            // Two bars of 4/4 at the anchor's tempo; both sources equally long.
            var bars = 8 * 60 / pair["anchorTempo"]!.GetValue<double>();
            Assert.InRange(output.Assets[0].Duration, bars - 0.005, bars + 0.005);
            Assert.Equal(output.Assets[0].Duration, output.Assets[1].Duration, 6);
            Assert.Equal(output.Assets[0].Key, output.OutputKey);
        }

        Assert.All(lines, l => Assert.Contains(l["asset"]!.GetValue<string>(), new[] { "anchor", "partner" }));
        Assert.All(lines, l => Assert.EndsWith(".json", l["files"]!["pair"]!.GetValue<string>(), StringComparison.Ordinal));
        var keys = await TestData.ListKeysAsync(fixture.Store, JobKeys.OutputsPrefix(JobIdOf(status)));
        Assert.DoesNotContain(JobKeys.Output(JobIdOf(status), 0), keys);
    }

    [Fact]
    public async Task Bad_parameters_are_refused_at_start_naming_the_parameter()
    {
        var datasetId = await CreateDatasetAsync();
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("bjob"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(Spec(datasetId, 1, """{"labels": "all"}""")));
        Assert.Contains("labels", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(Spec(datasetId, 1, """{"length": 4, "bars": 2}""")));
        Assert.Contains("bars", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(Spec(datasetId, 1, """{"pairsOnly": "yes"}""")));
        Assert.Contains("pairsOnly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dataset_without_compatible_tempi_fails_with_the_tempi_in_the_message()
    {
        var datasetId = TestData.NewKey("beats");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 2, clips: i => DrumLoops.Make(i == 0 ? 120 : 100, 10, seed: 3 + i));
        var jobId = TestData.NewKey("bjob");
        await Client.GetGrain<IJobGrain>(jobId).StartAsync(Spec(datasetId, 1, "{}"));
        var (status, _) = await TestData.WaitAsync(Client, jobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("no two items have compatible tempi", status.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A driving rock beat.", "Funky drums", "driving", "funky")]
    [InlineData("Piano trio", "NYC street band", "Piano", "street")]
    public void Merged_captions_are_one_sentence_dominant_first_with_both_contents(string first, string second, string firstWord, string secondWord)
    {
        var merged = BeatSyncMixupOperation.MergeCaptions(first, second)!;

        Assert.True(char.IsUpper(merged[0]), merged);
        Assert.EndsWith(".", merged, StringComparison.Ordinal);
        Assert.Contains(firstWord, merged, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(secondWord, merged, StringComparison.OrdinalIgnoreCase);
        Assert.True(merged.IndexOf(firstWord, StringComparison.OrdinalIgnoreCase) < merged.IndexOf(secondWord, StringComparison.OrdinalIgnoreCase), merged);
        Assert.Equal(merged, BeatSyncMixupOperation.MergeCaptions(first, second));
    }

    [Theory]
    [InlineData("Piano trio", null, "Piano trio")]
    [InlineData(" ", "Funky drums", "Funky drums")]
    [InlineData(null, null, null)]
    public void A_missing_caption_leaves_the_other_as_is(string? first, string? second, string? expected) =>
        Assert.Equal(expected, BeatSyncMixupOperation.MergeCaptions(first, second));

    [Fact]
    public void Label_policies_anchor_both_and_merged()
    {
        var anchor = new DatasetItem("a", "a.wav", "k", "h", "wav", 1, 1, 1, 1, null, null, ["rock"], "Rock.", null);
        var partner = anchor with { ItemId = "b", Labels = ["funk"], Caption = "Funk." };

        var (soft, caption) = BeatSyncMixupOperation.LabelsAndCaption("anchor", anchor, partner, 0.3);
        Assert.Equal(new Dictionary<string, double> { ["rock"] = 1.0 }, soft);
        Assert.Equal("Rock.", caption);

        (soft, caption) = BeatSyncMixupOperation.LabelsAndCaption("both", anchor, partner, 0.3);
        Assert.Equal(0.3, soft["rock"], 9);
        Assert.Equal(0.7, soft["funk"], 9);
        Assert.Equal("Funk.", caption);

        (_, caption) = BeatSyncMixupOperation.LabelsAndCaption("merged", anchor, partner, 0.3);
        Assert.Equal(BeatSyncMixupOperation.MergeCaptions("Funk.", "Rock."), caption);
        Assert.StartsWith("Funk", caption, StringComparison.Ordinal);
        Assert.Contains("rock", caption, StringComparison.OrdinalIgnoreCase);
    }

    private static string JobIdOf(JobStatus status) => status.JobId;
}
