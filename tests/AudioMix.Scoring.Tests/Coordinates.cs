using AudioMix.Audio.Augmentation;
using AudioMix.Scoring.Manifold;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>Hand-built diffusion coordinates for exact tests of the PS/PM stage (spec §15 A).</summary>
internal static class Coordinates
{
    /// <summary>Reference at <paramref name="centre"/>, <paramref name="count"/> Gaussian distortions around it (σ per axis).</summary>
    public static double[][] Cluster(double[] centre, int count, double sigma, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, count)
            .Select(_ => centre.Select(c => c + (sigma * random.NextGaussian())).ToArray())
            .ToArray();
    }

    /// <summary>Rows: per source reference, output, distortions (the layout MAPSS builds).</summary>
    public static (double[][] Points, SourceLayout[] Layout) Cloud(params (double[] Reference, double[] Output, double[][] Distortions)[] sources)
    {
        var points = new List<double[]>();
        var layout = new List<SourceLayout>();
        foreach (var (reference, output, distortions) in sources)
        {
            layout.Add(new SourceLayout(points.Count, distortions.Length));
            points.Add(reference);
            points.Add(output);
            points.AddRange(distortions);
        }

        return ([.. points], [.. layout]);
    }

    /// <summary>A one-frame (or multi-frame) map with every column retained.</summary>
    public static DiffusionMap.Result Map(params double[][][] frames)
    {
        var f = frames.Length;
        var n = frames[0].Length;
        var w = frames[0][0].Length;
        var flat = frames.SelectMany(p => p.SelectMany(r => r)).ToArray();
        var coordinates = torch.tensor(flat, [f, n, w], dtype: torch.ScalarType.Float64);
        var retained = torch.full(f, w, dtype: torch.ScalarType.Int64);
        var zeros = torch.zeros(f, dtype: torch.ScalarType.Float64);
        return new DiffusionMap.Result(coordinates, torch.ones(f, w, dtype: torch.ScalarType.Float64), zeros + 1, retained, zeros);
    }

    public static double[] Values(torch.Tensor t) => t.cpu().data<double>().ToArray();

    public static double[][] Transform(double[][] points, Func<double[], double[]> map) => points.Select(map).ToArray();
}
