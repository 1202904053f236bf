using AudioMix.Abstractions.Datasets;
using System.Text.Json;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Tests.Infrastructure;
using AudioMix.Separation.Metrics;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class SeparationOperationTests(ClusterFixture fixture)
{
    private const int Rate = 22050;

    private IClusterClient Client => fixture.Client;

    /// <summary>Drums (decaying noise bursts, both channels) and sustained tones, generated with a fixed seed.</summary>
    private static (AudioBuffer Drums, AudioBuffer Tones) DrumsAndTones(double seconds, int seed)
    {
        var frames = (int)(seconds * Rate);
        var random = new Random(seed);
        var drums = AudioBuffer.Silence(Rate, 2, frames);
        var tones = AudioBuffer.Silence(Rate, 2, frames);
        for (var onset = 0.1; onset < seconds; onset += 0.4)
        {
            var start = (int)(onset * Rate);
            for (var i = 0; i < 0.04 * Rate && start + i < frames; i++)
            {
                var v = (float)((random.NextDouble() - 0.5) * 1.2 * Math.Exp(-i / (0.006 * Rate)));
                drums.Channels[0][start + i] = v;
                drums.Channels[1][start + i] = v;
            }
        }

        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / Rate;
            var v = (float)(0.08 * (Math.Sin(2 * Math.PI * 220 * t) + Math.Sin(2 * Math.PI * 330 * t) + Math.Sin(2 * Math.PI * 440 * t)));
            tones.Channels[0][i] = v;
            tones.Channels[1][i] = v;
        }

        return (drums, tones);
    }

    private static AudioBuffer Sum(AudioBuffer a, AudioBuffer b)
    {
        var r = a.Clone();
        for (var c = 0; c < a.ChannelCount; c++)
        {
            for (var i = 0; i < a.Frames; i++)
            {
                r.Channels[c][i] += b.Channels[c][i];
            }
        }

        return r;
    }

    private async Task<DatasetItem> AddItemAsync(string datasetId, int index, AudioBuffer clip, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var key = $"datasets/{datasetId}/items/{index:D4}.wav";
        await new BlobAudio(fixture.Store).WriteWavAsync(key, clip, WavSampleFormat.Float32, CancellationToken.None);
        var bytes = await TestData.ReadAllAsync(fixture.Store, key);
        return new DatasetItem(
            $"item{index:D4}", $"clip{index}.wav", key, TestData.Sha256Hex(bytes), "wav/float", bytes.Length, clip.Duration, Rate, clip.ChannelCount,
            null, null, ["music"], null, null, metadata);
    }

    private async Task<(JobStatus Status, IReadOnlyList<JobOutput> Outputs, string[] Manifest)> RunAsync(string datasetId, string op, string parameters)
    {
        var jobId = TestData.NewKey("job");
        var job = Client.GetGrain<IJobGrain>(jobId);
        await job.StartAsync(new JobSpec(datasetId, 5, [new OperationSpec(op, parameters)], new OutputSpec("float32")));
        var (status, _) = await TestData.WaitAsync(Client, jobId, TimeSpan.FromSeconds(120));
        var outputs = (await job.GetOutputsAsync(0, 100)).Items;
        var manifest = System.Text.Encoding.UTF8.GetString(await TestData.ReadAllAsync(fixture.Store, status.ManifestKey!))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (status, outputs, manifest);
    }

    [Fact]
    public async Task Separate_writes_each_stem_as_an_asset_with_provenance_and_a_manifest_line_per_stem()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("sep " + datasetId, DatasetKind.Music);
        var parts = new[] { DrumsAndTones(3, 1), DrumsAndTones(2.5, 2) };
        var items = new List<DatasetItem>();
        for (var i = 0; i < parts.Length; i++)
        {
            items.Add(await AddItemAsync(datasetId, i, Sum(parts[i].Drums, parts[i].Tones)));
        }

        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);
        var (status, outputs, manifest) = await RunAsync(datasetId, "separate", """{"method": "hpss", "fftSize": 1024}""");

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(2, outputs.Count);
        var audio = new BlobAudio(fixture.Store);
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            Assert.Null(output.Error);
            Assert.Equal(["percussive", "harmonic"], output.Assets!.Select(a => a.Name));
            var percussive = await audio.ReadAsync(output.Assets![0].Key, null, CancellationToken.None);
            var harmonic = await audio.ReadAsync(output.Assets![1].Key, null, CancellationToken.None);
            var mixture = await audio.ReadAsync(output.OutputKey!, null, CancellationToken.None);
            Assert.True(SeparationMetrics.SiSdr(percussive, parts[i].Drums) > SeparationMetrics.SiSdr(mixture, parts[i].Drums) + 6);
            Assert.True(SeparationMetrics.SiSdr(harmonic, parts[i].Tones) > SeparationMetrics.SiSdr(mixture, parts[i].Tones) + 6);
            Assert.True(output.Metrics!["percussive_energy_db"] < 0);

            using var provenance = JsonDocument.Parse(output.ProvenanceJson);
            var p = provenance.RootElement;
            Assert.Equal("separate", p.GetProperty("op").GetString());
            Assert.Equal("hpss", p.GetProperty("method").GetString());
            Assert.Equal(1024, p.GetProperty("parameters").GetProperty("fftSize").GetInt32());
            Assert.Equal(items[i].ContentHash, p.GetProperty("sources")[0].GetProperty("sha256").GetString());
        }

        // One manifest line per stem; the input blobs are untouched.
        Assert.Equal(4, manifest.Length);
        Assert.Equal("outputs/000000/percussive.wav", JsonDocument.Parse(manifest[0]).RootElement.GetProperty("audio_filepath").GetString());
        Assert.Equal("harmonic", JsonDocument.Parse(manifest[1]).RootElement.GetProperty("asset").GetString());
        Assert.Equal(items[0].ContentHash, TestData.Sha256Hex(await TestData.ReadAllAsync(fixture.Store, items[0].BlobKey)));
    }

    [Fact]
    public async Task Separate_with_two_stage_hpss_writes_vocals_and_accompaniment_that_sum_to_the_mixture()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("two-stage " + datasetId, DatasetKind.Music);
        var (drums, tones) = DrumsAndTones(3, 3);
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([await AddItemAsync(datasetId, 0, Sum(drums, tones))]);
        var (status, outputs, manifest) = await RunAsync(datasetId, "separate", """{"method": "two-stage-hpss", "longHarmonicKernelSeconds": 1.5}""");

        Assert.True(status.State == JobState.Completed, status.Error);
        var output = outputs.Single();
        Assert.Equal(["vocals", "accompaniment"], output.Assets!.Select(a => a.Name));
        var audio = new BlobAudio(fixture.Store);
        var vocals = await audio.ReadAsync(output.Assets![0].Key, null, CancellationToken.None);
        var accompaniment = await audio.ReadAsync(output.Assets[1].Key, null, CancellationToken.None);
        var mixture = await audio.ReadAsync(output.OutputKey!, null, CancellationToken.None);
        Assert.True(SeparationMetrics.SiSdr(Sum(vocals, accompaniment), mixture) > 60);

        // No voice in drums + chords: the accompaniment keeps nearly all of it.
        Assert.True(output.Metrics!["accompaniment_energy_db"] > -1, $"accompaniment {output.Metrics["accompaniment_energy_db"]} dB");

        using var provenance = JsonDocument.Parse(output.ProvenanceJson);
        Assert.Equal("two-stage-hpss", provenance.RootElement.GetProperty("method").GetString());
        var parameters = provenance.RootElement.GetProperty("parameters");
        Assert.Equal(1.5, parameters.GetProperty("longHarmonicKernelSeconds").GetDouble());
        Assert.Equal(0.046, parameters.GetProperty("shortWindowSeconds").GetDouble());
        Assert.Equal(2, manifest.Length);
    }

    [Theory]
    [InlineData("peak", """{"method": "midside", "detector": "rms", "merge": "none"}""")]
    [InlineData("share", """{"method": "midside", "detector": "rms", "merge": "none", "score": "share", "onset": 0.7, "offset": 0.7, "minSpeechSeconds": 0.25}""")]
    public async Task Segment_vocals_cuts_voiced_spans_and_attaches_the_timed_transcript(string score, string parameters)
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("vad " + datasetId, DatasetKind.Speech);

        // A centre-panned "voice" in two phrases over a quiet hard-left background.
        var frames = Rate * 10;
        var mix = AudioBuffer.Silence(Rate, 2, frames);
        var random = new Random(3);
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / Rate;
            var voiced = t is >= 1 and < 3 || t is >= 6 and < 8;
            var v = voiced ? (float)(0.3 * Math.Sin(2 * Math.PI * 180 * t) * (1 + (0.5 * Math.Sin(2 * Math.PI * 4 * t)))) : 0f;
            mix.Channels[0][i] = v + (float)((random.NextDouble() - 0.5) * 0.02);
            mix.Channels[1][i] = v;
        }

        var transcript = """[{"start": 1.0, "end": 2.9, "text": "first phrase"}, {"start": 6.1, "end": 7.9, "text": "second phrase"}]""";
        var item = await AddItemAsync(datasetId, 0, mix, new Dictionary<string, string> { ["segments"] = transcript });
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([item]);

        var (status, outputs, manifest) = await RunAsync(datasetId, "segment_vocals", parameters);
        Assert.Equal(JobState.Completed, status.State);
        var output = Assert.Single(outputs);
        Assert.Null(output.Error);
        Assert.Equal(2, output.Metrics!["segments"]);
        var assets = output.Assets!;
        Assert.Equal(["seg000", "seg001"], assets.Select(a => a.Name));
        Assert.InRange(assets[0].Start!.Value, 0.6, 1.0);
        Assert.InRange(assets[0].End!.Value, 3.0, 3.4);
        Assert.InRange(assets[1].Start!.Value, 5.6, 6.0);
        Assert.Equal("first phrase", assets[0].Text);
        Assert.Equal("second phrase", assets[1].Text);
        Assert.Equal(assets[0].End!.Value - assets[0].Start!.Value, assets[0].Duration, 3);

        Assert.Equal(2, manifest.Length);
        var line = JsonDocument.Parse(manifest[1]).RootElement;
        Assert.Equal("outputs/000000/seg001.wav", line.GetProperty("audio_filepath").GetString());
        Assert.Equal("second phrase", line.GetProperty("text").GetString());
        Assert.Equal(assets[1].Start!.Value, line.GetProperty("offset").GetDouble(), 5);
        Assert.Equal("centre", line.GetProperty("provenance").GetProperty("vocalStem").GetString());
        Assert.Equal(score, line.GetProperty("provenance").GetProperty("vad").GetProperty("score").GetString());
    }

    /// <summary>The espeak-ng sentence (words 0.61–4.46 s) at the test rate, stereo, over a quiet two-tone bed.</summary>
    private static AudioBuffer SpeechOverTones()
    {
        var speech = AudioMix.Audio.Dsp.Resampler.Resample(AudioFile.Read(Path.Combine(AppContext.BaseDirectory, "Vad", "speech16k.wav")), Rate);
        var mix = AudioBuffer.Silence(Rate, 2, speech.Frames);
        for (var i = 0; i < speech.Frames; i++)
        {
            var t = (double)i / Rate;
            var bed = (float)(0.03 * (Math.Sin(2 * Math.PI * 110 * t) + Math.Sin(2 * Math.PI * 165 * t)));
            mix.Channels[0][i] = speech.Channels[0][i] + bed;
            mix.Channels[1][i] = speech.Channels[0][i] + bed;
        }

        return mix;
    }

    [Fact]
    public async Task Segment_vocals_on_the_mix_uses_silero_by_default_and_records_the_model_hash()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("silero " + datasetId, DatasetKind.Speech);
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([await AddItemAsync(datasetId, 0, SpeechOverTones())]);

        var (status, outputs, manifest) = await RunAsync(datasetId, "segment_vocals", """{"method": "none", "merge": "none"}""");

        Assert.True(status.State == JobState.Completed, status.Error);
        var output = Assert.Single(outputs);
        Assert.Null(output.Error);
        var assets = output.Assets!;
        Assert.NotEmpty(assets);
        Assert.InRange(assets[0].Start!.Value, 0.4, 0.8);
        Assert.InRange(assets[^1].End!.Value, 4.0, 4.7);
        Assert.Equal(assets.Count, manifest.Length);
        var provenance = JsonDocument.Parse(manifest[0]).RootElement.GetProperty("provenance");
        Assert.Equal("none", provenance.GetProperty("method").GetString());
        var vad = provenance.GetProperty("vad");
        Assert.Equal("silero", vad.GetProperty("detector").GetString());
        Assert.Equal("silero-vad", vad.GetProperty("model").GetString());
        Assert.Equal(AudioMix.Models.ModelCatalog.Get("silero-vad").Sha256, vad.GetProperty("modelSha256").GetString());
        Assert.Equal(0.5, vad.GetProperty("threshold").GetDouble());
        Assert.Equal(0.35, vad.GetProperty("negThreshold").GetDouble(), 9);
    }

    [Fact]
    public async Task Detect_speech_keeps_only_the_speech_and_writes_a_line_per_segment()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("speech " + datasetId, DatasetKind.Speech);
        var mix = SpeechOverTones();
        var transcript = """[{"start": 0.6, "end": 4.4, "text": "silence first then a short sentence for the voice detector"}]""";
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([await AddItemAsync(datasetId, 0, mix, new Dictionary<string, string> { ["segments"] = transcript })]);

        var (status, outputs, manifest) = await RunAsync(datasetId, "detect_speech", "{}");

        Assert.True(status.State == JobState.Completed, status.Error);
        var output = Assert.Single(outputs);
        var assets = output.Assets!;
        var only = Assert.Single(assets); // merged into one ≤ 30 s chunk
        Assert.InRange(only.Start!.Value, 0.4, 0.8);
        Assert.InRange(only.End!.Value, 4.0, 4.7);
        Assert.Equal("silence first then a short sentence for the voice detector", only.Text);
        var speech = await new BlobAudio(fixture.Store).ReadAsync(output.OutputKey!, null, CancellationToken.None);
        Assert.Equal(only.End!.Value - only.Start!.Value, speech.Duration, 2);
        Assert.True(speech.Duration < mix.Duration - 1, $"kept {speech.Duration} of {mix.Duration} s");
        var line = JsonDocument.Parse(Assert.Single(manifest)).RootElement;
        Assert.Equal("silero", line.GetProperty("provenance").GetProperty("vad").GetProperty("detector").GetString());
    }

    [Theory]
    [InlineData("segment_vocals", """{"onset": 0.5}""", "add \"detector\": \"rms\"")]
    [InlineData("segment_vocals", """{"detector": "rms", "threshold": 0.5}""", "'threshold' do(es) not apply to detector 'rms'")]
    [InlineData("segment_vocals", """{"method": "none", "fftSize": 1024}""", "'fftSize' do(es) not apply to method 'none'")]
    [InlineData("segment_vocals", """{"method": "none", "audio": "vocals"}""", "needs a separator")]
    [InlineData("detect_speech", """{"detector": "vad"}""", "detector")]
    public void Detector_parameters_of_the_other_detector_are_refused(string op, string parameters, string named)
    {
        var registry = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetService(typeof(AudioMix.Grains.Operations.JobOperationRegistry)) as AudioMix.Grains.Operations.JobOperationRegistry;
        var ex = Assert.ThrowsAny<ArgumentException>(() => registry!.Get(op).Parse(parameters, DatasetKind.Speech));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("separate", """{"method": "nmf"}""", "method")]
    [InlineData("separate", """{"margin": 0.5}""", "margin")]
    [InlineData("separate", """{"kernel": 3}""", "kernel")]
    [InlineData("separate", """{"method": "repet-sim", "margin": 2}""", "'margin' do(es) not apply to method 'repet-sim'")]
    [InlineData("separate", """{"method": "two-stage-hpss", "fftSize": 4096}""", "'fftSize' do(es) not apply to method 'two-stage-hpss'")]
    [InlineData("separate", """{"method": "two-stage-hpss", "shortWindowSeconds": 0.4}""", "ShortWindowSeconds must be shorter")]
    [InlineData("segment_vocals", """{"audio": "stems"}""", "audio")]
    public async Task Bad_parameters_are_rejected_at_submission_naming_the_parameter(string op, string parameters, string named)
    {
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(Client, fixture.Store, datasetId, count: 1);
        var job = Client.GetGrain<IJobGrain>(TestData.NewKey("job"));
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => job.StartAsync(new JobSpec(datasetId, 1, [new OperationSpec(op, parameters)], new OutputSpec())));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("separate", """{"method": "htdemucs"}""")]
    [InlineData("segment_vocals", """{"method": "htdemucs", "detector": "rms"}""")]
    public void Htdemucs_is_refused_at_submission_when_not_installed_naming_the_install_command(string op, string parameters)
    {
        var empty = Directory.CreateTempSubdirectory("audiomix-models-").FullName;
        try
        {
            using var models = new AudioMix.Grains.Operations.SiloModels(Microsoft.Extensions.Options.Options.Create(new AudioMix.Models.ModelStoreOptions { Path = empty }));
            var audio = new BlobAudio(fixture.Store);
            AudioMix.Grains.Operations.IJobOperation operation = op == "separate"
                ? new AudioMix.Grains.Operations.SeparateOperation(audio, models)
                : new AudioMix.Grains.Operations.SegmentVocalsOperation(audio, models);
            var ex = Assert.ThrowsAny<ArgumentException>(() => operation.Parse(parameters, DatasetKind.Speech));
            Assert.Contains("infra/models/install htdemucs --accept-license research-only", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Separate_with_htdemucs_writes_its_five_stems_and_every_manifest_line_names_model_hash_and_licence()
    {
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("htdemucs " + datasetId, DatasetKind.Music);
        var (drums, tones) = DrumsAndTones(2, seed: 8);
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([await AddItemAsync(datasetId, 0, Sum(drums, tones))]);

        var (status, outputs, manifest) = await RunAsync(datasetId, "separate", """{"method": "htdemucs"}""");

        Assert.True(status.State == JobState.Completed, status.Error);
        var output = Assert.Single(outputs);
        Assert.Null(output.Error);
        Assert.Equal(["drums", "bass", "other", "vocals", "accompaniment"], output.Assets!.Select(a => Path.GetFileNameWithoutExtension(a.Key)).ToArray());
        Assert.Equal(5, manifest.Length);
        foreach (var line in manifest)
        {
            var provenance = JsonDocument.Parse(line).RootElement.GetProperty("provenance");
            Assert.Equal("htdemucs", provenance.GetProperty("method").GetString());
            var model = provenance.GetProperty("model");
            Assert.Equal("htdemucs", model.GetProperty("name").GetString());
            Assert.Equal(AudioMix.Models.ModelCatalog.Get("htdemucs").Sha256, model.GetProperty("sha256").GetString());
            Assert.Equal("research-only", model.GetProperty("license").GetString());
        }
    }

    [Fact]
    public async Task Htdemucs_units_of_concurrent_jobs_share_one_session_keep_their_own_overlap_and_match_an_own_session()
    {
        var models = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetService(typeof(AudioMix.Grains.Operations.SiloModels)) as AudioMix.Grains.Operations.SiloModels;
        Assert.NotNull(models);
        var datasetId = TestData.NewKey("ds");
        await Client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("htdemucs shared " + datasetId, DatasetKind.Music);
        var (drums, tones) = DrumsAndTones(1.5, seed: 21);
        await Client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync([await AddItemAsync(datasetId, 0, Sum(drums, tones))]);

        // Two jobs at once, each with its own overlap: their units run over the silo's one session.
        var separate = RunAsync(datasetId, "separate", """{"method": "htdemucs", "overlap": 0.25}""");
        var segment = RunAsync(datasetId, "segment_vocals", """{"method": "htdemucs", "overlap": 0.5, "detector": "rms"}""");
        await Task.WhenAll(separate, segment);
        var (separateStatus, separateOutputs, _) = await separate;
        var (segmentStatus, segmentOutputs, _) = await segment;
        Assert.True(separateStatus.State == JobState.Completed, separateStatus.Error);
        Assert.True(segmentStatus.State == JobState.Completed, segmentStatus.Error);
        Assert.Null(separateOutputs.Single().Error);
        Assert.Null(segmentOutputs.Single().Error);
        Assert.Equal(1, models.HtDemucsLoads);

        double Overlap(JobOutput output)
        {
            using var provenance = JsonDocument.Parse(output.ProvenanceJson);
            return provenance.RootElement.GetProperty("parameters").GetProperty("overlap").GetDouble();
        }

        Assert.Equal(0.25, Overlap(separateOutputs[0]));
        Assert.Equal(0.5, Overlap(segmentOutputs[0]));

        // The stems are what a separator with its own session makes of the same mixture (the shared session changes nothing).
        var audio = new BlobAudio(fixture.Store);
        var output = separateOutputs[0];
        var mixture = await audio.ReadAsync(output.OutputKey!, null, CancellationToken.None);
        using var own = AudioMix.Separation.Models.HtDemucsSeparator.Load(models.Store, new AudioMix.Separation.Models.HtDemucsOptions(0.25));
        var expected = own.Separate(mixture);
        foreach (var asset in output.Assets!)
        {
            var stem = await audio.ReadAsync(asset.Key, null, CancellationToken.None);
            var want = expected[asset.Name];
            Assert.Equal(want.Frames, stem.Frames);
            for (var c = 0; c < want.ChannelCount; c++)
            {
                for (var i = 0; i < want.Frames; i++)
                {
                    Assert.True(Math.Abs(want.Channels[c][i] - stem.Channels[c][i]) <= 1e-6, $"{asset.Name} channel {c} frame {i}: {stem.Channels[c][i]} vs {want.Channels[c][i]}");
                }
            }
        }

        // Both jobs' separators are disposed by now; the session they shared still runs the next unit.
        var (again, againOutputs, _) = await RunAsync(datasetId, "separate", """{"method": "htdemucs"}""");
        Assert.True(again.State == JobState.Completed, again.Error);
        Assert.Null(againOutputs.Single().Error);
        Assert.Equal(1, models.HtDemucsLoads);
    }
}
