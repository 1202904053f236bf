using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Grains.Audio;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Grains.Operations;

/// <summary>One item of a speech-segmenting unit: the item, its timed transcript (if any) and its audio at the job's output rate.</summary>
internal sealed record SpeechUnitItem(DatasetItem Item, IReadOnlyList<TranscriptLine>? Transcript, AudioBuffer Audio);

/// <summary>
/// The unit steps <c>detect_speech</c> and <c>segment_vocals</c> share: one unit per item; the item read at the output
/// rate with its timed transcript; speech found by Silero VAD or RMS-VAD with the transcript's text attached; every
/// segment cut from a signal and written as an asset (<c>seg000</c>, …, with its start, end and text); and the detector,
/// the transcript and the source in provenance.
/// </summary>
internal static class SpeechSegmentUnits
{
    /// <summary>One unit per item.</summary>
    public static SeparationPlan[] PerItem(IReadOnlyList<DatasetItem> items) => items.Select(item => new SeparationPlan(item.ItemId)).ToArray();

    /// <summary>The unit's item, its transcript, and its audio at the output rate.</summary>
    public static async Task<SpeechUnitItem> ReadAsync(UnitRenderer unit, SeparationPlan plan, CancellationToken cancellationToken)
    {
        var item = unit.Item(plan.Item);
        var transcript = VocalActivitySegmenter.ReadTranscript(item.Metadata);
        var audio = unit.ToOutputRate(await unit.ReadAsync(item, cancellationToken).ConfigureAwait(false));
        return new SpeechUnitItem(item, transcript, audio);
    }

    /// <summary>
    /// The speech segments of <paramref name="signal"/>: Silero's with <paramref name="silero"/>, else RMS-VAD's with
    /// <paramref name="rms"/> (scored against <paramref name="mixture"/> when given), with the transcript's text attached.
    /// </summary>
    public static IReadOnlyList<VocalSegment> Find(
        SiloModels models, SileroSettings? silero, VocalActivityOptions rms, AudioBuffer signal, AudioBuffer? mixture, IReadOnlyList<TranscriptLine>? transcript)
    {
        var segments = silero is not null
            ? DetectorParameters.SegmentWithSilero(models, silero, signal)
            : new VocalActivitySegmenter(rms).Segment(signal, mixture);
        return transcript is null ? segments : VocalActivitySegmenter.AttachText(segments, transcript);
    }

    /// <summary>Cuts each segment out of <paramref name="source"/> and writes it as an asset; returns the assets and the clips.</summary>
    public static async Task<(IReadOnlyList<OutputAsset> Assets, IReadOnlyList<AudioBuffer> Clips)> WriteAsync(
        UnitRenderer unit, IReadOnlyList<VocalSegment> segments, AudioBuffer source, CancellationToken cancellationToken)
    {
        var assets = new List<OutputAsset>(segments.Count);
        var clips = new List<AudioBuffer>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var start = Math.Min(source.Frames, (int)Math.Round(segment.Start * source.SampleRate));
            var end = Math.Min(source.Frames, (int)Math.Round(segment.End * source.SampleRate));
            var clip = source.Slice(start, Math.Max(0, end - start));
            clips.Add(clip);
            assets.Add(await unit.WriteAudioAssetAsync($"seg{i:D3}", clip, cancellationToken, segment.Start, segment.End, segment.Text).ConfigureAwait(false));
        }

        return (assets, clips);
    }

    /// <summary>Adds the detector (<c>vad</c>), the transcript and the item as the source in role <paramref name="role"/> to <paramref name="provenance"/>.</summary>
    public static void DescribeInto(
        JsonObject provenance, SiloModels models, SileroSettings? silero, VocalActivityOptions rms, SpeechUnitItem input, string role)
    {
        provenance["vad"] = silero is not null ? DetectorParameters.Describe(models, silero) : DetectorParameters.Describe(rms);
        provenance["transcript"] = input.Transcript is null ? "none" : $"{VocalActivitySegmenter.TranscriptField} ({input.Transcript.Count} lines)";
        provenance["sources"] = SourceRef.Array(new SourceRef(input.Item, role));
    }
}
