using AudioMix.Audio;
using AudioMix.Models;
using AudioMix.Separation.Models;

namespace AudioMix.Separation.Tests;

/// <summary>
/// <see cref="OnnxSeparator"/> with Models/midside_model.onnx: the module of midside_model.pt exported by
/// Models/make_midside_model.py (torch.onnx, samples axis free), so both runtimes must give the same stems.
/// </summary>
public sealed class OnnxSeparatorTests
{
    private static readonly string OnnxPath = Path.Combine(AppContext.BaseDirectory, "Models", "midside_model.onnx");
    private static readonly string TorchScriptPath = Path.Combine(AppContext.BaseDirectory, "Models", "midside_model.pt");
    private static readonly string[] MidSide = ["mid", "side"];

    private static AudioBuffer Mix(double seconds) =>
        SyntheticMixes.Sum(SyntheticMixes.Tones(seconds, pan: 0.4), SyntheticMixes.Bursts(seconds, 0.3, seed: 21));

    [Fact]
    public void Chunked_output_equals_the_known_math_unchunked_processing_and_the_torchscript_export()
    {
        var mix = Mix(3.3);
        using var chunked = new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(ChunkSeconds: 0.5, Overlap: 0.25, StemNames: MidSide));
        using var whole = new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(ChunkSeconds: 0, StemNames: MidSide));
        using var torch = new TorchScriptSeparator(TorchScriptPath, new TorchScriptOptions(ChunkSeconds: 0.5, Overlap: 0.25));

        var a = chunked.Separate(mix);
        var b = whole.Separate(mix);
        var t = torch.Separate(mix);
        var side = new float[2][];
        side[0] = new float[mix.Frames];
        side[1] = new float[mix.Frames];
        for (var i = 0; i < mix.Frames; i++)
        {
            side[0][i] = (mix.Channels[0][i] - mix.Channels[1][i]) / 2;
            side[1][i] = -side[0][i];
        }

        var expectedSide = new AudioBuffer(mix.SampleRate, side);
        Assert.True(expectedSide.Peak() > 0.05f);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["side"], expectedSide) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["mid"], b["mid"]) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["side"], b["side"]) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["mid"], t["mid"]) < 1e-6);
        Assert.True(SyntheticMixes.MaxAbsDifference(a["side"], t["side"]) < 1e-6);
    }

    [Fact]
    public void Streamed_blocks_give_the_same_stems_as_one_buffer()
    {
        var mix = Mix(2.1);
        using var separator = new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(ChunkSeconds: 0.4, Overlap: 0.5));
        var whole = separator.Separate(mix);
        Assert.Equal(["stem0", "stem1"], separator.StemNames);
        var streamed = SyntheticMixes.Collect(separator, SyntheticMixes.Blocks(mix, 333, 5000, 12));
        foreach (var stem in separator.StemNames)
        {
            Assert.True(SyntheticMixes.MaxAbsDifference(whole[stem], streamed[stem]) < 1e-6);
        }

        Assert.Equal("onnx", separator.Parameters["runtime"]);
    }

    [Fact]
    public void The_factory_runs_onnx_files_with_onnx_runtime()
    {
        using var separator = SeparatorFactory.Create("model:" + OnnxPath);
        Assert.IsType<OnnxSeparator>(separator);
        var stems = separator.Separate(Mix(0.7));
        Assert.Equal(["stem0", "stem1"], stems.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bad_files_wrong_rates_and_unavailable_cuda_are_clear_errors()
    {
        Assert.Throws<FileNotFoundException>(() => new OnnxSeparator("no-such-model.onnx"));
        var notAModel = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notAModel, "not a model");
            var error = Assert.Throws<ArgumentException>(() => new OnnxSeparator(notAModel));
            Assert.Contains("ONNX model", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAModel);
        }

        using var fixedRate = new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(SampleRate: 44100));
        Assert.Throws<ArgumentException>(() => fixedRate.Separate(Mix(0.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(Overlap: 1)));

        // This build carries ONNX Runtime's CPU library only: asking for CUDA says what is missing instead of running on the CPU.
        var cuda = Assert.Throws<ArgumentException>(() => new OnnxSeparator(OnnxPath, new OnnxSeparatorOptions(Runtime: new OnnxModelOptions(UseCuda: true))));
        Assert.Contains("CUDA", cuda.Message, StringComparison.Ordinal);
    }
}
