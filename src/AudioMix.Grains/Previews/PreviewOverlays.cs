using System.Text.Json.Nodes;
using AudioMix.Audio.Torch.Imaging;
using AudioMix.Grains.Operations;

namespace AudioMix.Grains.Previews;

/// <summary>
/// What a preview of an output shows over its spectrogram, read from the output's provenance (each op records what it
/// did; nothing is re-analysed): λ and the partner's start on mixup and caption_mix; the beat and downbeat grids of both
/// sources on beat_sync_mixup; segment boundaries on segment_vocals.
/// </summary>
internal static class PreviewOverlays
{
    // beat_sync_mixup records tempi, not meters: downbeats are drawn every 4 beats from the aligned first downbeat.
    private const int AssumedMeter = 4;

    /// <summary>The overlay of <paramref name="output"/>; none for ops without one.</summary>
    public static PreviewOverlay For(JobOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var provenance = JsonNode.Parse(output.ProvenanceJson) as JsonObject ?? [];
        return output.Op switch
        {
            MixupOperation.OpName or CaptionMixOperation.OpName => Mix(provenance),
            BeatSyncMixupOperation.OpName => BeatGrids(provenance, output.Duration),
            SegmentVocalsOperation.OpName => Segments(output),
            _ => PreviewOverlay.None,
        };
    }

    private static PreviewOverlay Mix(JsonObject provenance)
    {
        var markers = new List<PreviewMarker>();
        if (provenance["sources"] is JsonArray { Count: >= 2 } sources && Number(sources[1]?["offsetSeconds"]) is { } start)
        {
            markers.Add(new PreviewMarker(start, PreviewMarkerRole.SecondStart));
        }

        return new PreviewOverlay { Lambda = Number(provenance["lambda"]), Markers = markers };
    }

    /// <summary>
    /// Both sources are cut at a downbeat and aligned at the output's start (BeatSyncMixer): the anchor's beats fall every
    /// 60/tempo seconds from 0, the partner's every 60/tempo × stretch from its predicted grid offset.
    /// </summary>
    private static PreviewOverlay BeatGrids(JsonObject provenance, double duration)
    {
        var markers = new List<PreviewMarker>();
        if (Number(provenance["anchorTempo"]) is > 0 and var anchorTempo)
        {
            Grid(markers, 0, 60 / anchorTempo, duration, PreviewMarkerRole.FirstBeat, PreviewMarkerRole.FirstDownbeat);
        }

        if (Number(provenance["partnerTempo"]) is > 0 and var partnerTempo)
        {
            var stretch = Number(provenance["stretchRatio"]) is > 0 and var s ? s : 1;
            var offset = (Number(provenance["predictedGridOffsetMs"]) ?? 0) / 1000;
            Grid(markers, offset, 60 / partnerTempo * stretch, duration, PreviewMarkerRole.SecondBeat, PreviewMarkerRole.SecondDownbeat);
        }

        return new PreviewOverlay { Lambda = Number(provenance["lambda"]), Markers = markers };
    }

    private static void Grid(List<PreviewMarker> markers, double start, double period, double duration, PreviewMarkerRole beat, PreviewMarkerRole downbeat)
    {
        // Bounded: a grid finer than 20 ms or longer than 2,000 beats says more about the data than a preview can show.
        if (period < 0.02)
        {
            return;
        }

        for (var k = 0; k < 2000 && start + (k * period) <= duration; k++)
        {
            markers.Add(new PreviewMarker(start + (k * period), k % AssumedMeter == 0 ? downbeat : beat));
        }
    }

    private static PreviewOverlay Segments(JobOutput output)
    {
        var segments = (output.Assets ?? []).Where(a => a is { IsAudio: true, Start: not null, End: not null }).ToArray();
        return new PreviewOverlay
        {
            Regions = segments.Select(a => new PreviewRegion(a.Start!.Value, a.End!.Value)).ToArray(),
            Markers = segments.SelectMany(a => new[] { new PreviewMarker(a.Start!.Value, PreviewMarkerRole.Boundary), new PreviewMarker(a.End!.Value, PreviewMarkerRole.Boundary) }).ToArray(),
        };
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
}
