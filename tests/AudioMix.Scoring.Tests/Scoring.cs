using AudioMix.Scoring.Encoders;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>End-to-end runs with the weight-free raw encoder.</summary>
internal static class Scoring
{
    public static MapssResult Run(float[][] refs, float[][] outs, MapssOptions? options = null)
    {
        using var encoder = new RawFrameEncoder(torch.CPU);
        return new MapssScorer(encoder, options).ScoreConditioned(refs, outs);
    }

    public static double[] Finite(IReadOnlyList<double> values) => values.Where(double.IsFinite).ToArray();

    public static double FractionWhere(IReadOnlyList<double> values, Func<double, bool> predicate)
    {
        var finite = Finite(values);
        return finite.Count(predicate) / (double)finite.Length;
    }
}
