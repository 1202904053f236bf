using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Torch.Imaging;
using AudioMix.Grains.Previews;

namespace AudioMix.Grains.Tests;

/// <summary>Preview overlays read from each op's provenance, and drawn where they belong on the image.</summary>
public sealed class PreviewOverlayTests
{
    private static JobOutput Output(string op, string provenance, double duration, IReadOnlyList<OutputAsset>? assets = null) =>
        new(0, op, "jobs/j/outputs/000000.wav", duration, 16000, 1, null, null, null, null, provenance, null, ReviewState.Pending, assets);

    [Fact]
    public void Beat_sync_mixes_get_both_grids_from_tempo_stretch_and_predicted_offset_with_downbeats_every_four_beats()
    {
        var overlay = PreviewOverlays.For(Output(
            "beat_sync_mixup",
            """{"op":"beat_sync_mixup","lambda":0.6,"anchorTempo":120,"partnerTempo":100,"stretchRatio":0.8333333333,"predictedGridOffsetMs":10}""",
            4.0));

        Assert.Equal(0.6, overlay.Lambda);
        var anchor = overlay.Markers.Where(m => m.Role is PreviewMarkerRole.FirstBeat or PreviewMarkerRole.FirstDownbeat).ToArray();
        Assert.Equal(Enumerable.Range(0, 9).Select(k => k * 0.5), anchor.Select(m => Math.Round(m.Seconds, 6)));
        Assert.Equal([0.0, 2.0, 4.0], anchor.Where(m => m.Role == PreviewMarkerRole.FirstDownbeat).Select(m => m.Seconds));
        var partner = overlay.Markers.Where(m => m.Role is PreviewMarkerRole.SecondBeat or PreviewMarkerRole.SecondDownbeat).ToArray();
        Assert.Equal(0.01, partner[0].Seconds, 6);
        Assert.Equal(0.5, partner[1].Seconds - partner[0].Seconds, 6); // 60/100 × 0.8333: stretched to the anchor's tempo
        Assert.Equal(PreviewMarkerRole.SecondDownbeat, partner[4].Role);
    }

    [Fact]
    public void Mixup_shows_lambda_and_the_partner_start_and_segments_show_their_boundaries()
    {
        var mix = PreviewOverlays.For(Output("mixup", """{"op":"mixup","lambda":0.3,"sources":[{"offsetSeconds":0},{"offsetSeconds":0.25}]}""", 1.0));
        Assert.Equal(0.3, mix.Lambda);
        Assert.Equal(new PreviewMarker(0.25, PreviewMarkerRole.SecondStart), Assert.Single(mix.Markers));

        var segments = PreviewOverlays.For(Output("segment_vocals", """{"op":"segment_vocals"}""", 10, [
            new OutputAsset("seg000", "k0", "audio/wav", 2, 1.0, 3.0),
            new OutputAsset("seg001", "k1", "audio/wav", 1, 5.5, 6.5),
            new OutputAsset("vad", "k2", "application/json", 0),
        ]));
        Assert.Equal([new PreviewRegion(1.0, 3.0), new PreviewRegion(5.5, 6.5)], segments.Regions);
        Assert.Equal([1.0, 3.0, 5.5, 6.5], segments.Markers.Select(m => m.Seconds));
        Assert.Same(PreviewOverlay.None, PreviewOverlays.For(Output("separate", """{"op":"separate"}""", 1)));
    }

    [Fact]
    public void Markers_and_the_lambda_bar_are_drawn_at_their_place()
    {
        var samples = new float[16000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 16000);
        }

        var overlay = new PreviewOverlay { Lambda = 0.25, Markers = [new PreviewMarker(0.5, PreviewMarkerRole.FirstDownbeat), new PreviewMarker(0.75, PreviewMarkerRole.SecondDownbeat)] };
        var plain = SpectrogramImage.Render(new AudioBuffer(16000, [samples]), PreviewOverlay.None, 401);
        var drawn = SpectrogramImage.Render(new AudioBuffer(16000, [samples]), overlay, 401);

        Assert.Equal((401, SpectrogramImage.Height), (drawn.Width, drawn.Height));
        var specTop = SpectrogramImage.Height - SpectrogramImage.MelBands;
        // Anchor downbeat at 0.5 s = column 200, upper half of the spectrogram only; partner's at column 300, lower half only.
        Assert.NotEqual(Pixel(plain, 200, specTop + 10), Pixel(drawn, 200, specTop + 10));
        Assert.Equal(Pixel(plain, 200, SpectrogramImage.Height - 10), Pixel(drawn, 200, SpectrogramImage.Height - 10));
        Assert.NotEqual(Pixel(plain, 300, SpectrogramImage.Height - 10), Pixel(drawn, 300, SpectrogramImage.Height - 10));
        Assert.Equal(Pixel(plain, 300, specTop + 10), Pixel(drawn, 300, specTop + 10));
        // λ = 0.25: the bar changes colour a quarter of the way across.
        Assert.Equal(Pixel(drawn, 0, 1), Pixel(drawn, 99, 1));
        Assert.NotEqual(Pixel(drawn, 99, 1), Pixel(drawn, 101, 1));
        Assert.Equal(Pixel(drawn, 101, 1), Pixel(drawn, 400, 1));
    }

    private static (byte, byte, byte) Pixel(AudioMix.Audio.Imaging.RgbImage image, int x, int y)
    {
        var i = ((y * image.Width) + x) * 3;
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }
}
