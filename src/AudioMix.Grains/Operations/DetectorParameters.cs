using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The speech-detector parameters shared by <c>segment_vocals</c> and <c>detect_speech</c>: <c>detector</c> (auto |
/// silero | rms; auto = Silero when its pinned model is installed, else RMS) and Silero's own hysteresis settings under
/// the names of silero-vad's <c>get_speech_timestamps</c> (<c>threshold</c>, <c>negThreshold</c>,
/// <c>minSpeechDurationMs</c>, <c>minSilenceDurationMs</c>, <c>speechPadMs</c>) with its defaults.
/// </summary>
internal static class DetectorParameters
{
    public const string Auto = "auto";

    private static readonly string[] SileroOrAuto = [Auto, SpeechDetectors.Silero];

    public static readonly ParameterDescriptor Detector = Param.Choice(
        "detector", Auto, [Auto, SpeechDetectors.Silero, SpeechDetectors.Rms], "Speech detector: silero (Silero VAD v5, pinned model), rms (RMS-VAD), auto (silero when installed)");

    private static readonly SileroVadOptions SileroDefaults = new();
    private static readonly ParameterDescriptor Threshold = Param.Number("threshold", SileroDefaults.Threshold, 0.01, 0.99, "Silero: speech probability at which speech starts").When("detector", SileroOrAuto);
    private static readonly ParameterDescriptor NegThreshold = Param.Number("negThreshold", null, 0.01, 0.99, "Silero: probability below which it ends (default threshold − 0.15)").When("detector", SileroOrAuto);
    private static readonly ParameterDescriptor MinSpeechDurationMs = Param.WholeNumber("minSpeechDurationMs", 250, 0, 60_000, "Silero: drop speech shorter than this, ms").When("detector", SileroOrAuto);
    private static readonly ParameterDescriptor MinSilenceDurationMs = Param.WholeNumber("minSilenceDurationMs", 100, 0, 60_000, "Silero: silence that ends speech, ms").When("detector", SileroOrAuto);
    private static readonly ParameterDescriptor SpeechPadMs = Param.WholeNumber("speechPadMs", 30, 0, 5_000, "Silero: padding on both sides of speech, ms").When("detector", SileroOrAuto);

    /// <summary>The detector choice and Silero's settings, in form order.</summary>
    public static ParameterDescriptor[] Schema { get; } = [Detector, Threshold, NegThreshold, MinSpeechDurationMs, MinSilenceDurationMs, SpeechPadMs];

    // RMS-VAD's settings (Syed et al.; see VocalActivityOptions), which apply to detector 'rms' only.
    public static readonly ParameterDescriptor Onset = ForRms(Param.Number("onset", 0.1, 0.001, 1, "RMS: score at which a voiced span starts"));
    public static readonly ParameterDescriptor Offset = ForRms(Param.Number("offset", null, 0.001, 1, "RMS: score below which it ends (default: the smaller of 0.1 and onset)"));
    public static readonly ParameterDescriptor MinSpeechSeconds = ForRms(Param.Number("minSpeechSeconds", 0, 0, 60, "RMS: drop voiced spans shorter than this, seconds"));
    public static readonly ParameterDescriptor MinSilenceSeconds = ForRms(Param.Number("minSilenceSeconds", 1, 0.05, 60, "RMS: silence that splits segments, seconds"));
    public static readonly ParameterDescriptor PaddingSeconds = ForRms(Param.Number("paddingSeconds", 0.2, 0, 5, "RMS: padding around each segment, seconds"));

    // Chunking for ASR, whichever the detector.
    public static readonly ParameterDescriptor MaxSegmentSeconds = Param.Number("maxSegmentSeconds", 30, 2, 600, "Longest segment, seconds");
    public static readonly ParameterDescriptor Merge = Param.Choice("merge", "greedy", ["greedy", "none"], "Merge neighbouring spans up to maxSegmentSeconds");

    /// <summary>The RMS detector's onset, offset, minimum speech and silence, and padding.</summary>
    public static ParameterDescriptor[] RmsSchema { get; } = [Onset, Offset, MinSpeechSeconds, MinSilenceSeconds, PaddingSeconds];

    /// <summary>The longest segment and merging.</summary>
    public static ParameterDescriptor[] ChunkSchema { get; } = [MaxSegmentSeconds, Merge];

    /// <summary>Parameters that only apply to the RMS detector are marked with this condition.</summary>
    public static ParameterDescriptor ForRms(ParameterDescriptor descriptor) => descriptor.When("detector", SpeechDetectors.Rms);

    /// <summary>
    /// The chosen detector (auto resolved against the installed models) and, for Silero, its settings. Parameters of
    /// the detector not chosen are refused; asking for Silero when it is not installed fails here, at submission, with
    /// the install command.
    /// </summary>
    public static (string Detector, SileroSettings? Silero) Read(OperationParameters p, IEnumerable<ParameterDescriptor> rmsOnly, SiloModels models, double maxSegmentSeconds, bool merge)
    {
        var chosen = p.Choice(Detector);
        if (chosen != SpeechDetectors.Rms)
        {
            p.RejectAny($"detector '{chosen}' (add \"detector\": \"rms\" for the RMS detector's settings)", rmsOnly.Select(d => d.Name));
        }

        var detector = chosen == Auto ? models.DefaultDetector : chosen;
        if (detector == SpeechDetectors.Rms)
        {
            var sileroOnly = Schema.Skip(1).Select(d => d.Name);
            p.RejectAny(chosen == Auto ? "detector 'auto' while the Silero model is not installed (run infra/models/install)" : "detector 'rms'", sileroOnly);
            return (detector, null);
        }

        // Fails now, not at the first unit, when the model is missing or corrupt.
        models.Store.Resolve(Models.ModelCatalog.SileroVad);
        var threshold = p.Number(Threshold);
        var settings = new SileroSettings(
            threshold,
            p.OptionalNumber(NegThreshold),
            p.WholeNumber(MinSpeechDurationMs),
            p.WholeNumber(MinSilenceDurationMs),
            p.WholeNumber(SpeechPadMs),
            maxSegmentSeconds,
            merge);
        settings.Options.ToSegmenterOptions(); // checks the combination (e.g. padding inside the longest segment)
        return (detector, settings);
    }

    /// <summary>RMS-VAD's options from <see cref="RmsSchema"/> and <see cref="ChunkSchema"/> (peak scoring unless <paramref name="score"/> says share).</summary>
    public static VocalActivityOptions ReadRms(OperationParameters p, VocalActivityScore score = VocalActivityScore.Peak)
    {
        var onset = p.Number(Onset);
        var options = new VocalActivityOptions(
            OnsetThreshold: onset,
            OffsetThreshold: p.Number(Offset, Math.Min(0.1, onset)),
            MinSilenceSeconds: p.Number(MinSilenceSeconds),
            MaxSegmentSeconds: p.Number(MaxSegmentSeconds),
            PaddingSeconds: p.Number(PaddingSeconds),
            Merge: p.Choice(Merge) == "greedy",
            Score: score,
            MinSpeechSeconds: p.Number(MinSpeechSeconds));
        _ = new VocalActivitySegmenter(options); // checks the options
        return options;
    }

    /// <summary>The RMS detector's settings as provenance.</summary>
    public static JsonObject Describe(VocalActivityOptions vad) => new()
    {
        ["detector"] = SpeechDetectors.Rms,
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

    /// <summary>Silero's segments of <paramref name="audio"/> with <paramref name="settings"/>.</summary>
    public static IReadOnlyList<VocalSegment> SegmentWithSilero(SiloModels models, SileroSettings settings, AudioBuffer audio) =>
        new SileroSpeechDetector(models.Silero, settings.Options).Segment(audio);

    /// <summary>Provenance of a Silero run: the model's name, version and hash and the hysteresis settings.</summary>
    public static JsonObject Describe(SiloModels models, SileroSettings settings)
    {
        var installed = models.Silero.Installed!;
        var o = settings.Options;
        return new JsonObject
        {
            ["detector"] = SpeechDetectors.Silero,
            ["model"] = installed.Pin.Name,
            ["modelVersion"] = installed.Pin.Version,
            ["modelSha256"] = installed.Pin.Sha256,
            ["threshold"] = o.Threshold,
            ["negThreshold"] = o.EffectiveNegThreshold,
            ["minSpeechSeconds"] = o.MinSpeechSeconds,
            ["minSilenceSeconds"] = o.MinSilenceSeconds,
            ["paddingSeconds"] = o.SpeechPadSeconds,
            ["maxSegmentSeconds"] = o.MaxSegmentSeconds,
            ["merge"] = o.Merge ? "greedy" : "none",
        };
    }
}

/// <summary>Silero VAD's settings in a recipe (milliseconds as in silero-vad's <c>get_speech_timestamps</c>).</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SileroSettings")]
public sealed record SileroSettings(
    double Threshold, double? NegThreshold, int MinSpeechDurationMs, int MinSilenceDurationMs, int SpeechPadMs, double MaxSegmentSeconds, bool Merge)
{
    /// <summary>The detector's options.</summary>
    internal SileroVadOptions Options => new(
        Threshold, NegThreshold, MinSpeechDurationMs / 1000.0, MinSilenceDurationMs / 1000.0, SpeechPadMs / 1000.0, MaxSegmentSeconds, Merge);
}
