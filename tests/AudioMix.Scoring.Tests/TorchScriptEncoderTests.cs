using AudioMix.Scoring.Encoders;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>
/// The TorchScript path on a real scripted module (Models/tiny_encoder.pt, written by Models/make_tiny_encoder.py):
/// outputs are checked against the module's documented closed-form weights recomputed here.
/// </summary>
public sealed class TorchScriptEncoderTests
{
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "Models", "tiny_encoder.pt");

    /// <summary>The module's math in plain C#: conv frames (kernel 400, stride 320), then <paramref name="layer"/> tanh blocks.</summary>
    private static double[][] Expected(float[] x, int layer)
    {
        var frames = ((x.Length - 400) / 320) + 1;
        var result = new double[frames][];
        for (var t = 0; t < frames; t++)
        {
            var h = new double[4];
            for (var c = 0; c < 4; c++)
            {
                double acc = 0.01 * (c + 1);
                for (var k = 0; k < 400; k++)
                {
                    acc += Math.Cos(2 * Math.PI * (c + 1) * k / 400) / 400 * x[(t * 320) + k];
                }

                h[c] = acc;
            }

            for (var i = 1; i <= layer; i++)
            {
                var next = new double[4];
                for (var a = 0; a < 4; a++)
                {
                    var acc = 0.05 * i * (a - 1.5);
                    for (var b = 0; b < 4; b++)
                    {
                        acc += 0.1 * i * (((a + (2 * b)) % 5) - 2) * h[b];
                    }

                    next[a] = Math.Tanh(acc);
                }

                h = next;
            }

            result[t] = h;
        }

        return result;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void Hidden_states_match_the_modules_closed_form(int layer)
    {
        var x = Signals.Source1(4000).Select((v, i) => v * 3 + (float)(0.1 * Math.Sin(i * 0.37))).ToArray();
        using var encoder = new TorchScriptEncoder(ModelPath, layer, torch.CPU, normalizeInput: false);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var batch = torch.stack([torch.tensor(x), torch.tensor(x.Select(v => -v).ToArray())]);
        var hidden = encoder.Encode(batch);
        Assert.Equal([2L, 12, 4], hidden.shape); // T = ⌊(4000 − 400)/320⌋ + 1 = 12
        var values = hidden.to(torch.ScalarType.Float64).data<double>().ToArray();
        var expected = Expected(x, layer);
        var negated = Expected(x.Select(v => -v).ToArray(), layer);
        for (var t = 0; t < 12; t++)
        {
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(expected[t][c], values[(t * 4) + c], 4);
                Assert.Equal(negated[t][c], values[48 + (t * 4) + c], 4);
            }
        }
    }

    [Fact]
    public void Input_normalisation_standardises_each_signal_before_the_module()
    {
        var x = Signals.Source2(4000);
        var mean = x.Average(v => (double)v);
        var std = Math.Sqrt(x.Average(v => Math.Pow(v - mean, 2)) + 1e-7);
        var standardised = x.Select(v => (float)((v - mean) / std)).ToArray();
        using var encoder = new TorchScriptEncoder(ModelPath, 1, torch.CPU, normalizeInput: true);
        using var scope = torch.NewDisposeScope();
        var values = encoder.Encode(torch.tensor(x).unsqueeze(0)).to(torch.ScalarType.Float64).data<double>().ToArray();
        var expected = Expected(standardised, 1);
        Assert.Equal(expected[5][2], values[(5 * 4) + 2], 4);
        Assert.Equal(expected[0][0], values[0], 4);
    }

    [Fact]
    public void Scoring_with_the_TorchScript_encoder_gives_valid_scores_and_separates_sources()
    {
        var r1 = Signals.Source1(16000);
        var r2 = Signals.Source2(16000);
        using var encoder = new TorchScriptEncoder(ModelPath, 2, torch.CPU, normalizeInput: true);
        var scorer = new MapssScorer(encoder);
        var result = scorer.ScoreConditioned([r1, r2], [r1, r2]);
        Assert.Equal("torchscript:tiny_encoder.pt@2", result.Encoder);
        foreach (var source in result.Sources)
        {
            Assert.True(source.ScoredFrames > 40);
            Assert.All(Scoring.Finite(source.Ps).Concat(Scoring.Finite(source.Pm)), v => Assert.InRange(v, 0, 1));
        }

        var swapped = scorer.ScoreConditioned([r1, r2], [r2, r1]);
        Assert.True(swapped.Sources[0].MeanPs < result.Sources[0].MeanPs);
    }

    [Fact]
    public void A_missing_or_invalid_file_is_reported_clearly()
    {
        Assert.Throws<FileNotFoundException>(() => new TorchScriptEncoder("/nonexistent/model.pt", 2, torch.CPU, false));
        var bogus = Path.Combine(Path.GetTempPath(), $"mapss-bogus-{Environment.ProcessId}.pt");
        File.WriteAllText(bogus, "not a model");
        try
        {
            var error = Assert.Throws<ArgumentException>(() => new TorchScriptEncoder(bogus, 2, torch.CPU, false));
            Assert.Contains("TorchScript", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bogus);
        }
    }
}
