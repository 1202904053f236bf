using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Grains.Audio;
using AudioMix.Separation;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Long-form ASR preparation (Syed et al. 2025): separate the vocals (default two-stage HPSS; <c>method: none</c> skips
/// separation), find vocal activity on them with Silero VAD (the pinned model; <c>detector: auto</c> picks it when
/// installed, see <see cref="DetectorParameters"/>) or RMS-VAD, and cut the item into ≤ 30 s segments. The unit's main
/// output is the separated vocal track (the mixture without separation); each
/// segment is an audio asset (<c>seg000</c>, …) with its Start/End in the item and, when the item's metadata has a
/// timed transcript (<c>segments</c>: <c>[{"start","end","text"}]</c>), the overlapping text, so the manifest has one
/// ASR-ready line per segment (<c>audio_filepath</c>, <c>duration</c>, <c>offset</c>, <c>text</c>). Parameters: the
/// separator's (<see cref="SeparationParameters"/>), <c>audio</c> (mix | vocals: which signal the segments cut;
/// the paper found cutting the original mix at vocal boundaries already helps), the detector's settings, and for
/// <c>detector: rms</c> <c>score</c> (peak: RMS ÷ max RMS, the
/// paper's; share: vocals RMS ÷ mixture RMS per frame, robust to the leakage of weight-free separators — pair it with
/// an onset of about 0.7), and the VAD's <c>onset</c>, <c>minSpeechSeconds</c> (drop shorter spans; default 0),
/// <c>offset</c>, <c>minSilenceSeconds</c>, <c>maxSegmentSeconds</c>, <c>paddingSeconds</c>, <c>merge</c> (greedy|none); see <see cref="Schema"/>.
/// </summary>
public sealed class SegmentVocalsOperation(BlobAudio audio, SiloModels models) : JobOperation<SegmentVocalsParams, SeparationPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "segment_vocals";

    private static readonly ParameterDescriptor AudioParam = Param.Choice("audio", "mix", ["mix", "vocals"], "Signal the segments cut: the original mix or the separated vocals");
    private static readonly ParameterDescriptor Score = DetectorParameters.ForRms(Param.Choice("score", "peak", ["peak", "share"], "Frame score: RMS ÷ max RMS (peak) or vocals RMS ÷ mixture RMS (share; pair with onset ≈ 0.7)"));
    private static readonly ParameterDescriptor[] RmsOnly = [Score, .. DetectorParameters.RmsSchema];

    /// <summary>Name, description and parameters (the separator's, default method two-stage-hpss or none, then the detector's).</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "Vocal-activity segments for long-form ASR (separated vocals or the mix, Silero VAD or RMS, ≤30 s chunks, timed text attached)",
        [.. SeparationParameters.Schema("two-stage-hpss", allowNone: true), AudioParam, .. DetectorParameters.Schema, .. RmsOnly, .. DetectorParameters.ChunkSchema]);

    public override OperationDescriptor Descriptor => Schema;

    public override SegmentVocalsParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        var separator = SeparationParameters.ReadOrNone(p, Schema.Parameters, models.Store);
        var audio = p.Choice(AudioParam);
        if (separator is null && audio == "vocals")
        {
            throw new ArgumentException($"{OpName}: 'audio': 'vocals' needs a separator ('method' is 'none').");
        }

        var score = p.Choice(Score);
        if (separator is null && score == "share")
        {
            throw new ArgumentException($"{OpName}: 'score': 'share' divides separated vocals by the mix; it needs a separator ('method' is 'none').");
        }

        try
        {
            var rms = DetectorParameters.ReadRms(p, score == "share" ? VocalActivityScore.Share : VocalActivityScore.Peak);
            var (detector, silero) = DetectorParameters.Read(p, RmsOnly, models, rms.MaxSegmentSeconds, rms.Merge);
            return new SegmentVocalsParams(
                separator, audio, score, rms.OnsetThreshold, rms.OffsetThreshold, rms.MinSilenceSeconds, rms.MaxSegmentSeconds, rms.PaddingSeconds,
                Merge: rms.Merge ? "greedy" : "none",
                MinSpeechSeconds: rms.MinSpeechSeconds,
                Detector: detector,
                Silero: silero);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }
    }

    protected override IEnumerable<SeparationPlan> PlanUnits(IReadOnlyList<DatasetItem> items, SegmentVocalsParams parameters, long seed) =>
        SpeechSegmentUnits.PerItem(items);

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, SegmentVocalsParams parameters, SeparationPlan plan, CancellationToken cancellationToken)
    {
        var input = await SpeechSegmentUnits.ReadAsync(unit, plan, cancellationToken).ConfigureAwait(false);
        var mixture = input.Audio;

        using var separator = parameters.Separator?.Create(models);
        string? vocalStem = null;
        var vocals = mixture;
        if (separator is not null)
        {
            var stems = await SeparationParameters.SeparateAsync(separator, mixture, cancellationToken).ConfigureAwait(false);
            vocalStem = SeparatorFactory.VocalStem(separator);
            vocals = stems[vocalStem];
        }

        var vad = parameters.Vad;
        var segments = SpeechSegmentUnits.Find(models, parameters.Silero, vad, vocals, separator is null ? null : mixture, input.Transcript);
        var key = await unit.WriteMainAsync(vocals, cancellationToken).ConfigureAwait(false);
        var cutVocals = parameters.Audio == "vocals";
        var (assets, _) = await SpeechSegmentUnits.WriteAsync(unit, segments, cutVocals ? vocals : mixture, cancellationToken).ConfigureAwait(false);

        var provenance = unit.Provenance();
        if (separator is null)
        {
            provenance["method"] = SeparationParameters.None;
        }
        else
        {
            SeparationParameters.DescribeInto(provenance, separator);
            provenance["vocalStem"] = vocalStem;
        }

        provenance["audio"] = cutVocals ? "vocals" : "mix";
        SpeechSegmentUnits.DescribeInto(provenance, models, parameters.Silero, vad, input, "mixture");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["segments"] = segments.Count,
            ["voiced_seconds"] = Math.Round(segments.Sum(s => s.Duration), 3),
        };
        return SeparationParameters.ForItem(unit.Output(key, vocals, provenance), input.Item, assets, metrics);
    }
}

/// <summary>
/// The <c>segment_vocals</c> op's parameters: the separator (<see langword="null"/>: none), which signal to cut, the
/// detector (silero | rms) with Silero's settings when it is Silero, and the RMS detector's settings.
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SegmentVocalsParams")]
public sealed record SegmentVocalsParams(
    SeparatorSettings? Separator, string Audio, string Score, double Onset, double Offset,
    double MinSilenceSeconds, double MaxSegmentSeconds, double PaddingSeconds, string Merge, double MinSpeechSeconds,
    string Detector, SileroSettings? Silero) : OperationParams
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
