using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Grains.Audio;
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
/// <c>offset</c>, <c>minSilenceSeconds</c>, <c>maxSegmentSeconds</c>, <c>paddingSeconds</c>, <c>merge</c> (greedy|none); see <see cref="Schema"/>.
/// </summary>
public sealed class SegmentVocalsOperation(BlobAudio audio) : JobOperation<SegmentVocalsParams, SeparationPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "segment_vocals";

    private static readonly ParameterDescriptor AudioParam = Param.Choice("audio", "mix", ["mix", "vocals"], "Signal the segments cut: the original mix or the separated vocals");
    private static readonly ParameterDescriptor Score = Param.Choice("score", "peak", ["peak", "share"], "Frame score: RMS ÷ max RMS (peak) or vocals RMS ÷ mixture RMS (share; pair with onset ≈ 0.7)");
    private static readonly ParameterDescriptor Onset = Param.Number("onset", 0.1, 0.001, 1, "Score at which a voiced span starts");
    private static readonly ParameterDescriptor Offset = Param.Number("offset", null, 0.001, 1, "Score below which it ends (default: the smaller of 0.1 and onset)");
    private static readonly ParameterDescriptor MinSpeechSeconds = Param.Number("minSpeechSeconds", 0, 0, 60, "Drop voiced spans shorter than this, seconds");
    private static readonly ParameterDescriptor MinSilenceSeconds = Param.Number("minSilenceSeconds", 1, 0.05, 60, "Silence that splits segments, seconds");
    private static readonly ParameterDescriptor MaxSegmentSeconds = Param.Number("maxSegmentSeconds", 30, 2, 600, "Longest segment, seconds");
    private static readonly ParameterDescriptor PaddingSeconds = Param.Number("paddingSeconds", 0.2, 0, 5, "Padding around each segment, seconds");
    private static readonly ParameterDescriptor Merge = Param.Choice("merge", "greedy", ["greedy", "none"], "Merge neighbouring spans up to maxSegmentSeconds");

    /// <summary>Name, description and parameters (the separator's, default method two-stage-hpss, then the VAD's).</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "Vocal-activity segments for long-form ASR (separated vocals, RMS onset/offset, ≤30 s chunks, timed text attached)",
        [.. SeparationParameters.Schema("two-stage-hpss"), AudioParam, Score, Onset, Offset, MinSpeechSeconds, MinSilenceSeconds, MaxSegmentSeconds, PaddingSeconds, Merge]);

    public override OperationDescriptor Descriptor => Schema;

    public override SegmentVocalsParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        var separator = SeparationParameters.Read(p, Schema.Parameters);
        var audio = p.Choice(AudioParam);
        var score = p.Choice(Score);
        var onset = p.Number(Onset);
        try
        {
            var parsed = new SegmentVocalsParams(
                separator, audio, score, onset,
                Offset: p.Number(Offset, Math.Min(0.1, onset)),
                MinSilenceSeconds: p.Number(MinSilenceSeconds),
                MaxSegmentSeconds: p.Number(MaxSegmentSeconds),
                PaddingSeconds: p.Number(PaddingSeconds),
                Merge: p.Choice(Merge),
                MinSpeechSeconds: p.Number(MinSpeechSeconds));
            _ = new VocalActivitySegmenter(parsed.Vad); // checks the options; cheap (no separator, no tensors)
            return parsed;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }
    }

    protected override IEnumerable<SeparationPlan> PlanUnits(IReadOnlyList<DatasetItem> items, SegmentVocalsParams parameters, long seed) =>
        items.Select(item => new SeparationPlan(item.ItemId)).ToArray();

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, SegmentVocalsParams parameters, SeparationPlan plan, CancellationToken cancellationToken)
    {
        var item = unit.Item(plan.Item);
        var transcript = VocalActivitySegmenter.ReadTranscript(item.Metadata);
        var mixture = unit.ToOutputRate(await unit.ReadAsync(item, cancellationToken).ConfigureAwait(false));

        using var separator = parameters.Separator.Create();
        var stems = await SeparationParameters.SeparateAsync(separator, mixture, cancellationToken).ConfigureAwait(false);
        var vocalStem = SeparatorFactory.VocalStem(separator);
        var vocals = stems[vocalStem];
        var vad = parameters.Vad;
        var segments = new VocalActivitySegmenter(vad).Segment(vocals, mixture);
        if (transcript is not null)
        {
            segments = VocalActivitySegmenter.AttachText(segments, transcript);
        }

        var key = await unit.WriteMainAsync(vocals, cancellationToken).ConfigureAwait(false);
        var cutVocals = parameters.Audio == "vocals";
        var source = cutVocals ? vocals : mixture;
        var assets = new List<OutputAsset>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var start = (int)Math.Round(segment.Start * source.SampleRate);
            var end = Math.Min(source.Frames, (int)Math.Round(segment.End * source.SampleRate));
            var clip = source.Slice(start, Math.Max(0, end - start));
            assets.Add(await unit.WriteAudioAssetAsync($"seg{i:D3}", clip, cancellationToken, segment.Start, segment.End, segment.Text).ConfigureAwait(false));
        }

        var provenance = unit.Provenance();
        SeparationParameters.DescribeInto(provenance, separator);

        provenance["vocalStem"] = vocalStem;
        provenance["audio"] = cutVocals ? "vocals" : "mix";
        provenance["vad"] = new JsonObject
        {
            ["score"] = vad.Score == VocalActivityScore.Share ? "share" : "peak",
            ["frameSeconds"] = vad.FrameSeconds,
            ["hopSeconds"] = vad.HopSeconds,
            ["onset"] = vad.OnsetThreshold,
            ["offset"] = vad.OffsetThreshold,
            ["minSpeechSeconds"] = vad.MinSpeechSeconds,
            ["minSilenceSeconds"] = vad.MinSilenceSeconds,
            ["maxSegmentSeconds"] = vad.MaxSegmentSeconds,
            ["paddingSeconds"] = vad.PaddingSeconds,
            ["merge"] = vad.Merge ? "greedy" : "none",
        };
        provenance["transcript"] = transcript is null ? "none" : $"{VocalActivitySegmenter.TranscriptField} ({transcript.Count} lines)";
        provenance["sources"] = SourceRef.Array(new SourceRef(item, "mixture"));
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["segments"] = segments.Count,
            ["voiced_seconds"] = Math.Round(segments.Sum(s => s.Duration), 3),
        };
        return SeparationParameters.ForItem(unit.Output(key, vocals, provenance), item, assets, metrics);
    }
}

/// <summary>The <c>segment_vocals</c> op's parameters: the separator, which signal to cut, and the VAD's settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SegmentVocalsParams")]
public sealed record SegmentVocalsParams(
    SeparatorSettings Separator, string Audio, string Score, double Onset, double Offset,
    double MinSilenceSeconds, double MaxSegmentSeconds, double PaddingSeconds, string Merge, double MinSpeechSeconds) : OperationParams
{
    /// <summary>The segmenter's options.</summary>
    internal VocalActivityOptions Vad => new(
        OnsetThreshold: Onset,
        OffsetThreshold: Offset,
        MinSilenceSeconds: MinSilenceSeconds,
        MaxSegmentSeconds: MaxSegmentSeconds,
        PaddingSeconds: PaddingSeconds,
        Merge: Merge == "greedy",
        Score: Score == "share" ? VocalActivityScore.Share : VocalActivityScore.Peak,
        MinSpeechSeconds: MinSpeechSeconds);
}
