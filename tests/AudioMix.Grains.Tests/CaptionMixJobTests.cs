using System.Text.Json;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class CaptionMixJobTests(ClusterFixture fixture)
{
    private static readonly string[] Captions =
    [
        "A dog barks", "Rain falls on a roof", "A man speaks", "Birds chirping in the background", "A car engine idles", "A bell rings",
    ];

    private IClusterClient Client => fixture.Client;

    private async Task<IReadOnlyList<DatasetItem>> CaptionedDatasetAsync(string datasetId)
    {
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("captions " + datasetId, DatasetKind.Sound);
        var audio = new BlobAudio(fixture.Store);
        var items = new List<DatasetItem>();
        for (var i = 0; i < Captions.Length; i++)
        {
            // Different rates and lengths: the op resamples to 16 kHz mono and keeps the longer clip's length.
            var rate = i % 2 == 0 ? 16_000 : 22_050;
            var clip = TestData.Tone(200 + (100 * i), rate, 1 + (i % 2), 0.4 + (0.1 * i), seed: i);
            var key = $"datasets/{datasetId}/items/{i:D4}.wav";
            var bytes = TestData.Wav(clip);
            await audio.WriteWavAsync(key, clip, WavSampleFormat.Pcm16, CancellationToken.None);
            items.Add(new DatasetItem($"c{i}", $"clip{i}.wav", key, TestData.Sha256Hex(bytes), "wav/pcm_s16le", bytes.Length, clip.Duration, rate, clip.ChannelCount, null, null, [], Captions[i], null));
        }

        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);
        return items;
    }

    private static JobSpec Spec(string datasetId, string parameters) =>
        new(datasetId, 5, [new OperationSpec("caption_mix", parameters)], new OutputSpec());

    [Fact]
    public async Task Caption_mix_job_writes_mixes_with_merged_captions_and_full_provenance_then_accepts_an_edit()
    {
        var datasetId = TestData.NewKey("cds");
        var items = (await CaptionedDatasetAsync(datasetId)).ToDictionary(i => i.ItemId);
        var jobId = TestData.NewKey("cjob");
        var job = Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(Spec(datasetId, """{"count": 6, "maxUses": 3, "variants": 2}"""));
        var (status, _) = await TestData.WaitAsync(Client, jobId);
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(6, status.Completed);

        var outputs = (await job.GetOutputsAsync(0, 100)).Items;
        foreach (var o in outputs)
        {
            Assert.Null(o.Error);
            Assert.Equal(16_000, o.SampleRate);
            Assert.Equal(1, o.Channels);
            using var p = JsonDocument.Parse(o.ProvenanceJson);
            var root = p.RootElement;
            var sources = root.GetProperty("sources").EnumerateArray().ToArray();
            var first = items[sources[0].GetProperty("item").GetString()!];
            var second = items[sources[1].GetProperty("item").GetString()!];
            Assert.NotEqual(first.ItemId, second.ItemId);
            Assert.Equal(Math.Max(first.Duration, second.Duration), o.Duration, 2);
            Assert.Equal([first.Caption, second.Caption], root.GetProperty("sourceCaptions").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("builtin", root.GetProperty("merger").GetString());
            Assert.Equal(2, root.GetProperty("captions").GetArrayLength());
            Assert.Equal(o.Caption, root.GetProperty("captions")[0].GetString());
            Assert.Equal(o.Caption, root.GetProperty("mergedCaption").GetString());
            Assert.Equal(5, root.GetProperty("seed").GetInt64());
            Assert.InRange(root.GetProperty("energyRatioDb").GetDouble(), -5, 5);
            Assert.Equal(2, root.GetProperty("gains").GetArrayLength());
            Assert.Equal(2, root.GetProperty("offsets").GetArrayLength());
            Assert.Equal(0, root.GetProperty("rejected").GetArrayLength());
            Assert.EndsWith(".", o.Caption, StringComparison.Ordinal);
        }

        // Metadata for a Hugging Face audiofolder: one line per output with file_name and caption.
        var metadata = AudioFolderMetadataWriter.Build(outputs).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, metadata.Length);
        Assert.Equal("outputs/000000.wav", JsonDocument.Parse(metadata[0]).RootElement.GetProperty("file_name").GetString());

        // A reviewer's edit: validated, stored, original kept, manifest rewritten.
        var original = outputs[1].Caption;
        await Assert.ThrowsAsync<ArgumentException>(() => job.EditCaptionAsync(1, "   "));
        await Assert.ThrowsAsync<ArgumentException>(() => job.EditCaptionAsync(1, new string('x', 501)));
        var edited = await job.EditCaptionAsync(1, "  A dog barks as rain drums on a roof. ");
        Assert.Equal("A dog barks as rain drums on a roof.", edited!.Caption);
        using (var p = JsonDocument.Parse(edited.ProvenanceJson))
        {
            Assert.Equal(original, p.RootElement.GetProperty("originalCaption").GetString());
        }

        var again = await job.EditCaptionAsync(1, "A dog barks in the rain.");
        using (var p = JsonDocument.Parse(again!.ProvenanceJson))
        {
            Assert.Equal(original, p.RootElement.GetProperty("originalCaption").GetString());
        }

        Assert.Null(await job.EditCaptionAsync(99, "x"));
        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, status.ManifestKey!));
        Assert.Equal("A dog barks in the rain.", JsonDocument.Parse(manifest.Split('\n')[1]).RootElement.GetProperty("caption").GetString());
    }

    [Fact]
    public async Task AudioGen_mode_is_deterministic_given_the_seed()
    {
        var datasetId = TestData.NewKey("cds");
        await CaptionedDatasetAsync(datasetId);
        var runs = new List<string[]>();
        foreach (var _ in new[] { 0, 1 })
        {
            var jobId = TestData.NewKey("cjob");
            await Client.GetGrain<IJobGrain>(jobId).StartAsync(Spec(datasetId, """{"count": 4, "mode": "audiogen"}"""));
            var (status, _) = await TestData.WaitAsync(Client, jobId);
            Assert.Equal(JobState.Completed, status.State);
            var outputs = (await Client.GetGrain<IJobGrain>(jobId).GetOutputsAsync(0, 10)).Items;
            runs.Add(outputs.Select(o => JsonDocument.Parse(o.ProvenanceJson).RootElement.GetProperty("snrDb").GetDouble() + "|" + o.Caption).ToArray());
            var raw = await TestData.ReadAllAsync(fixture.Store, outputs[0].OutputKey!);
            Assert.True(raw.Length > 44);
        }

        Assert.Equal(runs[0], runs[1]);
    }

    [Theory]
    [InlineData("""{"mode": "loud"}""", "mode")]
    [InlineData("""{"merger": "llm"}""", "AudioMix:Captions:Llm:Endpoint")]
    [InlineData("""{"labelDisjoint": "yes"}""", "labelDisjoint")]
    [InlineData("""{"colour": 1}""", "colour")]
    [InlineData("""{"similarity": 2}""", "similarity")]
    public async Task Bad_parameters_are_refused_at_start_naming_the_problem(string parameters, string named)
    {
        var datasetId = TestData.NewKey("cds");
        await CaptionedDatasetAsync(datasetId);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<IJobGrain>(TestData.NewKey("cjob")).StartAsync(Spec(datasetId, parameters)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_the_dataset_cannot_supply_is_refused_at_start_with_the_capacity_and_no_job()
    {
        // The preflight (the planner's own capacity rule) refuses it before the job exists.
        var datasetId = TestData.NewKey("cds");
        await CaptionedDatasetAsync(datasetId);
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("cjob"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(Spec(datasetId, """{"count": 50, "maxUses": 2}""")));
        Assert.Contains("at most 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lower count to 6", error.Message, StringComparison.Ordinal);
        Assert.Null(await job.GetStatusAsync());
    }
}
