using System.Text.Json;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;
using AudioMix.TestSupport;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class ScoreOperationTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    /// <summary>A 1 s harmonic source with a syllable-like envelope.</summary>
    private static AudioBuffer Source(double f0, int partials, double syllableHz) => SyllableTones.Make(f0, partials, syllableHz);

    private async Task<DatasetItem> AddAsync(string datasetId, string name, AudioBuffer clip, string group, string role, string source)
    {
        var key = $"datasets/{datasetId}/items/{name}.wav";
        await new BlobAudio(fixture.Store).WriteWavAsync(key, clip, WavSampleFormat.Float32, CancellationToken.None);
        var bytes = await TestData.ReadAllAsync(fixture.Store, key);
        var metadata = new Dictionary<string, string>
        {
            ["group"] = JsonSerializer.Serialize(group),
            ["role"] = JsonSerializer.Serialize(role),
            ["source"] = JsonSerializer.Serialize(source),
        };
        return new DatasetItem(name, name + ".wav", key, TestData.Sha256Hex(bytes), "wav/pcm_f32le", bytes.Length, clip.Duration, 16000, 1,
            null, null, [], null, null, metadata);
    }

    [Fact]
    public async Task Score_job_scores_each_group_writes_frame_scores_and_drops_groups_under_the_gate()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("score " + datasetId, DatasetKind.Sound);
        var low = Source(180, 8, 2.5);
        var high = Source(410, 3, 3.5);
        var items = new List<DatasetItem>
        {
            await AddAsync(datasetId, "g1_bass_ref", low, "g1", "reference", "bass"),
            await AddAsync(datasetId, "g1_lead_ref", high, "g1", "reference", "lead"),
            await AddAsync(datasetId, "g1_bass_est", low, "g1", "estimate", "bass"),
            await AddAsync(datasetId, "g1_lead_est", high, "g1", "estimate", "lead"),
            // g2: the estimates are swapped, so PS collapses and the gate drops the unit.
            await AddAsync(datasetId, "g2_bass_ref", low, "g2", "reference", "bass"),
            await AddAsync(datasetId, "g2_lead_ref", high, "g2", "reference", "lead"),
            await AddAsync(datasetId, "g2_bass_est", high, "g2", "estimate", "bass"),
            await AddAsync(datasetId, "g2_lead_est", low, "g2", "estimate", "lead"),
        };
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);

        var jobId = TestData.NewKey("job");
        var job = Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(new JobSpec(datasetId, 7, [new OperationSpec("score", """{"minPs": 0.5, "gate": "drop"}""")], new OutputSpec()));
        var (status, _) = await TestData.WaitAsync(Client, jobId, TimeSpan.FromMinutes(4));
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(2, status.Total);
        Assert.Equal(0, status.Failed);

        var outputs = (await job.GetOutputsAsync(0, 10)).Items;
        var good = outputs.Single(o => o.ProvenanceJson.Contains("\"group\":\"g1\"", StringComparison.Ordinal));
        var bad = outputs.Single(o => o.ProvenanceJson.Contains("\"group\":\"g2\"", StringComparison.Ordinal));
        Assert.Equal(ReviewState.Pending, good.Review);
        Assert.Equal(ReviewState.Rejected, bad.Review);
        Assert.True(good.Metrics!["ps.bass"] > 0.8 && good.Metrics["ps.lead"] > 0.8);
        Assert.True(good.Metrics["pm.bass"] > 0.9 && good.Metrics["pm.lead"] > 0.9);
        Assert.True(bad.Metrics!["ps.bass"] < 0.5);
        using (var provenance = JsonDocument.Parse(bad.ProvenanceJson))
        {
            var gate = provenance.RootElement.GetProperty("gate");
            Assert.False(gate.GetProperty("passed").GetBoolean());
            Assert.Contains("ps.bass", gate.GetProperty("failures")[0].GetString(), StringComparison.Ordinal);
        }

        // Assets: each estimate as audio, plus the frame-level scores as JSON.
        Assert.Equal(["bass", "lead", "scores"], good.Assets!.Select(a => a.Name));
        var scoresAsset = good.Assets!.Single(a => a.Name == "scores");
        Assert.Equal("application/json", scoresAsset.ContentType);
        Assert.Equal(JobKeys.Asset(jobId, good.Index, "scores", "json"), scoresAsset.Key);
        using (var scores = JsonDocument.Parse(await TestData.ReadAllAsync(fixture.Store, scoresAsset.Key)))
        {
            var sources = scores.RootElement.GetProperty("sources").EnumerateArray().ToArray();
            Assert.Equal(["bass", "lead"], sources.Select(s => s.GetProperty("source").GetString()));
            var frames = sources[0].GetProperty("frames").EnumerateArray().ToArray();
            Assert.Equal(49, frames.Length);
            Assert.Equal(0.02, frames[1].GetProperty("t").GetDouble(), 9);
            Assert.Equal(good.Metrics["ps.bass"], sources[0].GetProperty("ps").GetDouble(), 5);
        }

        // The manifest keeps only the passing group: one line per estimate, with the scores as metrics.
        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, status.ManifestKey!));
        var lines = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("bass", first.RootElement.GetProperty("asset").GetString());
        Assert.True(first.RootElement.GetProperty("metrics").GetProperty("pm.lead").GetDouble() > 0.9);
        Assert.EndsWith(".json", first.RootElement.GetProperty("files").GetProperty("scores").GetString(), StringComparison.Ordinal);
    }

    /// <summary>2 s: a sustained harmonic tone, and 30 ms noise clicks every 0.25 s (a drum-like source HPSS can split off).</summary>
    private static (AudioBuffer Harmonic, AudioBuffer Percussive) Sources()
    {
        var tone = new float[32000];
        var clicks = new float[32000];
        var random = new Random(5);
        for (var k = 0; k < tone.Length; k++)
        {
            var t = k / 16000.0;
            tone[k] = (float)(0.15 * (Math.Sin(2 * Math.PI * 220 * t) + (0.5 * Math.Sin(2 * Math.PI * 440 * t)) + (0.25 * Math.Sin(2 * Math.PI * 660 * t))));
            var sinceClick = t % 0.25;
            clicks[k] = sinceClick < 0.03 ? (float)(0.6 * Math.Exp(-sinceClick / 0.008) * ((2 * random.NextDouble()) - 1)) : 0f;
        }

        return (new AudioBuffer(16000, [tone]), new AudioBuffer(16000, [clicks]));
    }

    private static AudioBuffer Sum(AudioBuffer a, AudioBuffer b) =>
        new(a.SampleRate, [a.Channels[0].Zip(b.Channels[0], (x, y) => x + y).ToArray()]);

    /// <summary>A dataset with one mixture (tone + clicks) and its two references; the percussive one under <paramref name="percussiveSource"/>.</summary>
    private async Task<string> MixtureWithReferencesAsync(string percussiveSource, string harmonicSource = "harmonic")
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("separate+score " + datasetId, DatasetKind.Sound);
        var (harmonic, percussive) = Sources();
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(
        [
            await AddAsync(datasetId, "g1_mix", Sum(harmonic, percussive), "g1", "mixture", "mix"),
            await AddAsync(datasetId, "g1_" + harmonicSource, harmonic, "g1", "reference", harmonicSource),
            await AddAsync(datasetId, "g1_" + percussiveSource, percussive, "g1", "reference", percussiveSource),
        ]);
        return datasetId;
    }

    private async Task<JobStatus> RunAsync(string datasetId, string op, string parametersJson)
    {
        var jobId = TestData.NewKey("job");
        await Client.GetGrain<IJobGrain>(jobId).StartAsync(new JobSpec(datasetId, 3, [new OperationSpec(op, parametersJson)], new OutputSpec("float32")));
        return (await TestData.WaitAsync(Client, jobId, TimeSpan.FromMinutes(4))).Status;
    }

    [Fact]
    public async Task Score_after_separate_scores_the_separated_stems_against_the_uploaded_references()
    {
        var datasetId = await MixtureWithReferencesAsync("percussive");

        // separate leaves the references alone: one unit, for the mixture.
        var separated = await RunAsync(datasetId, "separate", """{"method": "hpss"}""");
        Assert.Equal(JobState.Completed, separated.State);
        Assert.Equal(1, separated.Total);
        var stems = (await Client.GetGrain<IJobGrain>(separated.JobId).GetOutputsAsync(0, 10)).Items.Single().Assets!;

        var scored = await RunAsync(datasetId, "score", $$"""{"fromJob": "{{separated.JobId}}"}""");
        Assert.True(scored.State == JobState.Completed, scored.Error);
        var output = (await Client.GetGrain<IJobGrain>(scored.JobId).GetOutputsAsync(0, 10)).Items.Single();
        Assert.Equal(["harmonic", "percussive", "scores"], output.Assets!.Select(a => a.Name));
        foreach (var name in new[] { "harmonic", "percussive" })
        {
            Assert.InRange(output.Metrics!["ps." + name], 0, 1);
            Assert.InRange(output.Metrics["pm." + name], 0, 1);
        }

        // HPSS splits this mixture well: each stem sits nearer its own reference than the other's.
        Assert.True(output.Metrics!["ps.harmonic"] > 0.5, $"ps.harmonic {output.Metrics["ps.harmonic"]}");
        Assert.True(output.Metrics["ps.percussive"] > 0.5, $"ps.percussive {output.Metrics["ps.percussive"]}");

        // Provenance points at the separate job's stems, not at dataset items.
        using var provenance = JsonDocument.Parse(output.ProvenanceJson);
        var sources = provenance.RootElement.GetProperty("sources").EnumerateArray().ToArray();
        Assert.Equal("harmonic", sources[0].GetProperty("source").GetString());
        Assert.Equal("g1_harmonic", sources[0].GetProperty("reference").GetProperty("item").GetString());
        var estimate = sources[0].GetProperty("estimate");
        Assert.Equal(separated.JobId, estimate.GetProperty("job").GetString());
        Assert.Equal(stems.Single(a => a.Name == "harmonic").Key, estimate.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task Score_after_an_htdemucs_separate_scores_its_stems_and_keeps_the_models_licence_on_every_output_and_manifest_line()
    {
        // References filed under HTDemucs' stem names: the clicks as drums, the sustained tone as other.
        var datasetId = await MixtureWithReferencesAsync("drums", harmonicSource: "other");
        var separated = await RunAsync(datasetId, "separate", """{"method": "htdemucs"}""");
        Assert.True(separated.State == JobState.Completed, separated.Error);

        var scored = await RunAsync(datasetId, "score", $$"""{"fromJob": "{{separated.JobId}}"}""");
        Assert.True(scored.State == JobState.Completed, scored.Error);
        var output = (await Client.GetGrain<IJobGrain>(scored.JobId).GetOutputsAsync(0, 10)).Items.Single();
        Assert.Equal(["drums", "other", "scores"], output.Assets!.Select(a => a.Name));
        foreach (var name in new[] { "drums", "other" })
        {
            Assert.InRange(output.Metrics!["ps." + name], 0, 1);
            Assert.InRange(output.Metrics["pm." + name], 0, 1);
        }

        // HTDemucs hears the noise clicks as drums: that stem sits nearer its own reference than the tone's.
        Assert.True(output.Metrics!["ps.drums"] > 0.5, $"ps.drums {output.Metrics["ps.drums"]}");

        // The scored estimates are the model's stems, written again as this output's assets: the research-only
        // licence travels with them, in the output's provenance and in every manifest line.
        var pin = AudioMix.Models.ModelCatalog.Get("htdemucs");
        using (var provenance = JsonDocument.Parse(output.ProvenanceJson))
        {
            var model = provenance.RootElement.GetProperty("model");
            Assert.Equal("htdemucs", model.GetProperty("name").GetString());
            Assert.Equal(pin.Sha256, model.GetProperty("sha256").GetString());
            Assert.Equal("research-only", model.GetProperty("license").GetString());
        }

        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, scored.ManifestKey!));
        var lines = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("research-only", doc.RootElement.GetProperty("provenance").GetProperty("model").GetProperty("license").GetString());
        }

        // A weight-free separation carries no model.
        var hpss = await MixtureWithReferencesAsync("percussive");
        var plain = await RunAsync(hpss, "separate", """{"method": "hpss"}""");
        var plainScore = await RunAsync(hpss, "score", $$"""{"fromJob": "{{plain.JobId}}"}""");
        var plainOutput = (await Client.GetGrain<IJobGrain>(plainScore.JobId).GetOutputsAsync(0, 10)).Items.Single();
        using var plainProvenance = JsonDocument.Parse(plainOutput.ProvenanceJson);
        Assert.False(plainProvenance.RootElement.TryGetProperty("model", out _));
    }

    [Fact]
    public async Task Score_after_separate_fails_clearly_on_an_unknown_job_a_job_without_separate_and_a_reference_naming_no_stem()
    {
        // The percussive reference is filed as 'drums', which HPSS does not produce.
        var datasetId = await MixtureWithReferencesAsync("drums");

        var unknown = await RunAsync(datasetId, "score", """{"fromJob": "no-such-job"}""");
        Assert.Equal(JobState.Failed, unknown.State);
        Assert.Contains("'no-such-job' is not a known job", unknown.Error, StringComparison.Ordinal);

        var separated = await RunAsync(datasetId, "separate", """{"method": "hpss"}""");
        Assert.Equal(JobState.Completed, separated.State);
        var misnamed = await RunAsync(datasetId, "score", $$"""{"fromJob": "{{separated.JobId}}"}""");
        Assert.Equal(JobState.Failed, misnamed.State);
        Assert.Contains("source 'drums', which is not a stem", misnamed.Error, StringComparison.Ordinal);
        Assert.Contains("stems: percussive, harmonic", misnamed.Error, StringComparison.Ordinal);

        var notSeparate = await RunAsync(datasetId, "score", $$"""{"fromJob": "{{misnamed.JobId}}"}""");
        Assert.Equal(JobState.Failed, notSeparate.State);
        Assert.Contains("not separate", notSeparate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_job_without_grouping_metadata_fails_with_a_clear_error()
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 2);
        var jobId = TestData.NewKey("job");
        await Client.GetGrain<IJobGrain>(jobId).StartAsync(new JobSpec(datasetId, 1, [new OperationSpec("score", "{}")], new OutputSpec()));
        var (status, _) = await TestData.WaitAsync(Client, jobId);
        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("\"group\"", status.Error, StringComparison.Ordinal);
    }
}
