using AudioMix.Audio;
using AudioMix.Grains.Audio;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Speech datasets before ASR training: finds the speech in each item with Silero VAD (the pinned model; RMS-VAD with
/// <c>detector: rms</c>), without separation, and cuts it into ≤ 30 s segments — one audio asset and one manifest line
/// per segment (offset, duration and, when the item has a timed transcript, its text), as <c>segment_vocals</c> does.
/// The unit's main output is the item with the non-speech removed (its segments back to back), for trimming silence and
/// music. Parameters: <see cref="DetectorParameters"/>'s, <c>maxSegmentSeconds</c> and <c>merge</c>.
/// </summary>
public sealed class DetectSpeechOperation(BlobAudio audio, SiloModels models) : JobOperation<DetectSpeechParams, SeparationPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "detect_speech";

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "Speech segments without separation (Silero VAD or RMS, ≤30 s chunks, timed text attached); main output = the speech only",
        [.. DetectorParameters.Schema, .. DetectorParameters.RmsSchema, .. DetectorParameters.ChunkSchema]);

    public override OperationDescriptor Descriptor => Schema;

    public override DetectSpeechParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        try
        {
            var rms = DetectorParameters.ReadRms(p);
            var (detector, silero) = DetectorParameters.Read(p, DetectorParameters.RmsSchema, models, rms.MaxSegmentSeconds, rms.Merge);
            return new DetectSpeechParams(detector, silero, rms.OnsetThreshold, rms.OffsetThreshold, rms.MinSpeechSeconds, rms.MinSilenceSeconds, rms.PaddingSeconds, rms.MaxSegmentSeconds, rms.Merge);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }
    }

    protected override IEnumerable<SeparationPlan> PlanUnits(IReadOnlyList<DatasetItem> items, DetectSpeechParams parameters, long seed) =>
        SpeechSegmentUnits.PerItem(items);

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, DetectSpeechParams parameters, SeparationPlan plan, CancellationToken cancellationToken)
    {
        var input = await SpeechSegmentUnits.ReadAsync(unit, plan, cancellationToken).ConfigureAwait(false);
        var source = input.Audio;
        var segments = SpeechSegmentUnits.Find(models, parameters.Silero, parameters.Rms, source, null, input.Transcript);
        var (assets, clips) = await SpeechSegmentUnits.WriteAsync(unit, segments, source, cancellationToken).ConfigureAwait(false);

        // The speech only, back to back (an item without speech keeps a 0-sample main output: nothing was speech).
        var speech = clips.Count > 0 ? AudioBuffer.Concat(clips) : AudioBuffer.Silence(source.SampleRate, source.ChannelCount, 0);
        var key = await unit.WriteMainAsync(speech, cancellationToken).ConfigureAwait(false);
        var provenance = unit.Provenance();
        SpeechSegmentUnits.DescribeInto(provenance, models, parameters.Silero, parameters.Rms, input, "source");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["segments"] = segments.Count,
            ["speech_seconds"] = Math.Round(speech.Duration, 3),
            ["speech_share"] = source.Duration > 0 ? Math.Round(speech.Duration / source.Duration, 4) : 0,
        };
        return SeparationParameters.ForItem(unit.Output(key, speech, provenance), input.Item, assets, metrics);
    }
}

/// <summary>The <c>detect_speech</c> op's parameters: the detector, Silero's settings when it is Silero, RMS-VAD's otherwise.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.DetectSpeechParams")]
public sealed record DetectSpeechParams(
    string Detector, SileroSettings? Silero, double Onset, double Offset, double MinSpeechSeconds, double MinSilenceSeconds,
    double PaddingSeconds, double MaxSegmentSeconds, bool Merge) : OperationParams
{
    /// <summary>RMS-VAD's options (peak scoring: there is no separated stem to compare with the mix).</summary>
    internal VocalActivityOptions Rms => new(
        OnsetThreshold: Onset, OffsetThreshold: Offset, MinSilenceSeconds: MinSilenceSeconds, MaxSegmentSeconds: MaxSegmentSeconds,
        PaddingSeconds: PaddingSeconds, Merge: Merge, MinSpeechSeconds: MinSpeechSeconds);
}
