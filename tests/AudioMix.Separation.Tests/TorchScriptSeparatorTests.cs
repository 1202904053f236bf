using AudioMix.Audio;
using AudioMix.Separation.Models;

namespace AudioMix.Separation.Tests;

public sealed class TorchScriptSeparatorTests
{
    // Made by Models/make_midside_model.py (torch 1.13): stems mid = (L+R)/2 on both channels, side = ±(L−R)/2.
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "Models", "midside_model.pt");

    private static AudioBuffer Mix(double seconds)
    {
        var tones = SyntheticMixes.Tones(seconds, pan: 0.4);
        return SyntheticMixes.Sum(tones, SyntheticMixes.Bursts(seconds, 0.3, seed: 21));
    }

    [Fact]
    public void Chunked_model_output_equals_the_known_math_and_unchunked_processing()
    {
        var mix = Mix(3.3);
        using var chunked = new TorchScriptSeparator(ModelPath, new TorchScriptOptions(ChunkSeconds: 0.5, Overlap: 0.25));
        using var whole = new TorchScriptSeparator(ModelPath, new TorchScriptOptions(ChunkSeconds: 0));
        Assert.Equal(["mid", "side"], chunked.StemNames);

        var a = chunked.Separate(mix);
        var b = whole.Separate(mix);
        var expectedMid = new float[2][];
        var expectedSide = new float[2][];
        for (var c = 0; c < 2; c++)
        {
            expectedMid[c] = new float[mix.Frames];
            expectedSide[c] = new float[mix.Frames];
        }

        for (var i = 0; i < mix.Frames; i++)
        {
            float l = mix.Channels[0][i], r = mix.Channels[1][i];
            expectedMid[0][i] = expectedMid[1][i] = (l + r) / 2;
            expectedSide[0][i] = (l - r) / 2;
            expectedSide[1][i] = (r - l) / 2;
        }

        var mid = new AudioBuffer(mix.SampleRate, expectedMid);
        var side = new AudioBuffer(mix.SampleRate, expectedSide);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["mid"], mid) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["side"], side) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["mid"], b["mid"]) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["side"], b["side"]) < 1e-6);
        Assert.True(side.Peak() > 0.05f);
    }

    [Fact]
    public void Streamed_blocks_give_the_same_stems_as_one_buffer()
    {
        var mix = Mix(2.1);
        using var separator = new TorchScriptSeparator(ModelPath, new TorchScriptOptions(ChunkSeconds: 0.4, Overlap: 0.5));
        var whole = separator.Separate(mix);
        var streamed = SyntheticMixes.Collect(separator, SyntheticMixes.Blocks(mix, 333, 5000, 12));
        foreach (var stem in separator.StemNames)
        {
            Assert.True(SyntheticMixes.MaxAbsDifference(whole[stem], streamed[stem]) < 1e-6);
        }
    }

    [Fact]
    public void Given_stem_names_override_and_bad_files_are_clear_errors()
    {
        using var named = new TorchScriptSeparator(ModelPath, new TorchScriptOptions(StemNames: ["vocals", "accompaniment"]));
        Assert.Equal(["vocals", "accompaniment"], named.StemNames);

        Assert.Throws<FileNotFoundException>(() => new TorchScriptSeparator("no-such-model.pt", new TorchScriptOptions()));
        var notAModel = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notAModel, "not a model");
            var error = Assert.Throws<ArgumentException>(() => new TorchScriptSeparator(notAModel, new TorchScriptOptions()));
            Assert.Contains("TorchScript", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAModel);
        }

        using var fixedRate = new TorchScriptSeparator(ModelPath, new TorchScriptOptions(SampleRate: 44100));
        Assert.Throws<ArgumentException>(() => fixedRate.Separate(Mix(0.5)));
    }
}
