using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Dsp;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Separation;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Long-form ASR preparation (Syed et al. 2025): separate the vocals (default two-stage HPSS), find vocal activity on them
/// with RMS-VAD, and cut the item into ≤ 30 s segments. The unit's main output is the separated vocal track; each
/// segment is an audio asset (<c>seg000</c>, …) with its Start/End in the item and, when the item's metadata has a
/// timed transcript (<c>segments</c>: <c>[{"start","end","text"}]</c>), the overlapping text, so the manifest has one
/// ASR-ready line per segment (<c>audio_filepath</c>, <c>duration</c>, <c>offset</c>, <c>text</c>). Parameters: the
/// separator's (<see cref="SeparationParameters"/>), <c>audio</c> (mix | vocals: which signal the segments cut;
/// the paper found cutting the original mix at vocal boundaries already helps), <c>score</c> (peak: RMS ÷ max RMS, the
/// paper's; share: vocals RMS ÷ mixture RMS per frame, robust to the leakage of weight-free separators — pair it with
/// an onset of about 0.7), and the VAD's <c>onset</c>, <c>minSpeechSeconds</c> (drop shorter spans; default 0),
/// <c>offset</c>, <c>minSilenceSeconds</c>, <c>maxSegmentSeconds</c>, <c>paddingSeconds</c>, <c>merge</c> (greedy|none).
/// </summary>
public sealed class SegmentVocalsOperation(BlobAudio audio) : IJobOperation
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "segment_vocals";

    private static readonly string[] OwnNames = ["audio", "score", "onset", "offset", "minSpeechSeconds", "minSilenceSeconds", "maxSegmentSeconds", "paddingSeconds", "merge"];

    public string Name => OpName;

    public void Validate(string parametersJson, DatasetKind kind) => Read(parametersJson);

    public IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex)
    {
        Read(parametersJson);
        return [.. items.Select((item, i) => new PlannedUnit(
            firstIndex + i, OpName, JsonSerializer.Serialize(new SeparationPlan(item.ItemId), SeparationJson.Default.SeparationPlan), new[] { item.ItemId }))];
    }

    public async Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        var p = Read(context.ParametersJson);
        var plan = JsonSerializer.Deserialize(unit.PlanJson, SeparationJson.Default.SeparationPlan)
            ?? throw new InvalidOperationException($"Unit {unit.Index} has no plan.");
        var item = context.Items.TryGetValue(plan.Item, out var found) ? found : throw new KeyNotFoundException($"Item {plan.Item} is no longer in the dataset.");
        var transcript = VocalActivitySegmenter.ReadTranscript(item.Metadata);
        var mixture = await audio.ReadAsync(item.BlobKey, item.FileName, cancellationToken).ConfigureAwait(false);
        if (context.Spec.Output.SampleRate is { } rate && rate != mixture.SampleRate)
        {
            mixture = Resampler.Resample(mixture, rate);
        }

        using var separator = p.Separator();
        var stems = await SeparationParameters.SeparateAsync(separator, mixture, cancellationToken).ConfigureAwait(false);
        var vocalStem = SeparatorFactory.VocalStem(separator);
        var vocals = stems[vocalStem];
        var segmenter = new VocalActivitySegmenter(p.Vad);
        var segments = segmenter.Segment(vocals, mixture);
        if (transcript is not null)
        {
            segments = VocalActivitySegmenter.AttachText(segments, transcript);
        }

        await audio.WriteWavAsync(context.OutputKey, vocals, context.SampleFormat, cancellationToken).ConfigureAwait(false);
        var source = p.CutVocals ? vocals : mixture;
        var assets = new List<OutputAsset>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var start = (int)Math.Round(segment.Start * source.SampleRate);
            var end = Math.Min(source.Frames, (int)Math.Round(segment.End * source.SampleRate));
            var clip = source.Slice(start, Math.Max(0, end - start));
            var name = $"seg{i:D3}";
            var key = JobKeys.Asset(context.JobId, unit.Index, name, "wav");
            await audio.WriteWavAsync(key, clip, context.SampleFormat, cancellationToken).ConfigureAwait(false);
            assets.Add(new OutputAsset(name, key, "audio/wav", clip.Duration, segment.Start, segment.End, segment.Text));
        }

        var provenance = SeparationParameters.Describe(separator);
        provenance["op"] = OpName;
        provenance["seed"] = context.Spec.Seed;
        provenance["unit"] = unit.Index;
        provenance["vocalStem"] = vocalStem;
        provenance["audio"] = p.CutVocals ? "vocals" : "mix";
        provenance["vad"] = new JsonObject
        {
            ["score"] = p.Vad.Score == VocalActivityScore.Share ? "share" : "peak",
            ["frameSeconds"] = p.Vad.FrameSeconds,
            ["hopSeconds"] = p.Vad.HopSeconds,
            ["onset"] = p.Vad.OnsetThreshold,
            ["offset"] = p.Vad.OffsetThreshold,
            ["minSpeechSeconds"] = p.Vad.MinSpeechSeconds,
            ["minSilenceSeconds"] = p.Vad.MinSilenceSeconds,
            ["maxSegmentSeconds"] = p.Vad.MaxSegmentSeconds,
            ["paddingSeconds"] = p.Vad.PaddingSeconds,
            ["merge"] = p.Vad.Merge ? "greedy" : "none",
        };
        provenance["transcript"] = transcript is null ? "none" : $"{VocalActivitySegmenter.TranscriptField} ({transcript.Count} lines)";
        provenance["sources"] = new JsonArray(new JsonObject
        {
            ["role"] = "mixture",
            ["item"] = item.ItemId,
            ["file"] = item.FileName,
            ["blob"] = item.BlobKey,
            ["sha256"] = item.ContentHash,
        });
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["segments"] = segments.Count,
            ["voiced_seconds"] = Math.Round(segments.Sum(s => s.Duration), 3),
        };
        return new JobOutput(
            unit.Index, OpName, context.OutputKey, vocals.Duration, vocals.SampleRate, vocals.ChannelCount,
            item.Labels.Count > 0 ? item.Labels[0] : null, null, item.Caption, item.Text, provenance.ToJsonString(), null, ReviewState.Pending,
            assets, metrics);
    }

    private sealed record Parsed(Func<ISeparator> Separator, VocalActivityOptions Vad, bool CutVocals);

    private static Parsed Read(string json)
    {
        var p = OperationParameters.Parse(OpName, json).AllowOnly([.. SeparationParameters.Names, .. OwnNames]);
        var separator = SeparationParameters.Read(p, "two-stage-hpss");
        var cutVocals = p.Choice("audio", "mix", "mix", "vocals") == "vocals";
        var score = p.Choice("score", "peak", "peak", "share") == "share" ? VocalActivityScore.Share : VocalActivityScore.Peak;
        var onset = p.Number("onset", 0.1, 0.001, 1);
        try
        {
            var vad = new VocalActivityOptions(
                OnsetThreshold: onset,
                OffsetThreshold: p.Number("offset", Math.Min(0.1, onset), 0.001, 1),
                MinSilenceSeconds: p.Number("minSilenceSeconds", 1, 0.05, 60),
                MaxSegmentSeconds: p.Number("maxSegmentSeconds", 30, 2, 600),
                PaddingSeconds: p.Number("paddingSeconds", 0.2, 0, 5),
                Merge: p.Choice("merge", "greedy", "greedy", "none") == "greedy",
                Score: score,
                MinSpeechSeconds: p.Number("minSpeechSeconds", 0, 0, 60));
            _ = new VocalActivitySegmenter(vad);
            return new Parsed(separator, vad, cutVocals);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }
    }
}
