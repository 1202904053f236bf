using AudioMix.Audio.Augmentation;
using AudioMix.Scoring.Manifold;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>Spec §15 A.7: the batched diffusion map.</summary>
public sealed class DiffusionMapTests
{
    private static torch.Tensor Cloud(int frames, int points, int dims, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var values = Enumerable.Range(0, frames * points * dims).Select(_ => random.NextGaussian()).ToArray();
        return torch.tensor(values, [frames, points, dims], dtype: torch.ScalarType.Float64);
    }

    [Fact]
    public void Top_eigenvalue_is_1_and_the_rest_lie_in_0_1()
    {
        using var scope = torch.NewDisposeScope();
        var map = DiffusionMap.Compute(Cloud(3, 30, 5, 1));
        foreach (var top in Coordinates.Values(map.TopEigenvalue))
        {
            Assert.Equal(1.0, top, 9);
        }

        foreach (var lambda in Coordinates.Values(map.Eigenvalues))
        {
            Assert.InRange(lambda, 0, 1 + 1e-9);
        }
    }

    [Fact]
    public void Duplicate_points_give_finite_coordinates()
    {
        using var scope = torch.NewDisposeScope();
        var cloud = Cloud(1, 12, 4, 2);
        cloud[0, 5] = cloud[0, 3].clone();
        cloud[0, 6] = cloud[0, 3].clone();
        var map = DiffusionMap.Compute(cloud);
        Assert.All(Coordinates.Values(map.Coordinates), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Retained_count_is_the_shortest_prefix_holding_99_percent_of_the_eigenvalue_mass()
    {
        using var scope = torch.NewDisposeScope();
        var map = DiffusionMap.Compute(Cloud(4, 25, 6, 3));
        var lambdas = Coordinates.Values(map.Eigenvalues);
        var retained = map.Retained.cpu().data<long>().ToArray();
        var width = lambdas.Length / 4;
        for (var f = 0; f < 4; f++)
        {
            var row = lambdas.AsSpan(f * width, width).ToArray();
            var total = row.Sum();
            var l = (int)retained[f];
            Assert.True(row.Take(l).Sum() >= 0.99 * total);
            Assert.True(row.Take(l - 1).Sum() < 0.99 * total);
        }
    }

    [Fact]
    public void Bandwidth_is_the_lower_median_of_the_pairwise_squared_distances()
    {
        using var scope = torch.NewDisposeScope();
        var cloud = Cloud(1, 9, 3, 4);
        var p = Coordinates.Values(cloud);
        var distances = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            for (var j = i + 1; j < 9; j++)
            {
                distances.Add(Enumerable.Range(0, 3).Sum(d => Math.Pow(p[(i * 3) + d] - p[(j * 3) + d], 2)));
            }
        }

        distances.Sort();
        var lowerMedian = distances[(distances.Count - 1) / 2];
        Assert.Equal(lowerMedian, Coordinates.Values(DiffusionMap.Compute(cloud).Epsilon)[0], 9);
    }

    [Fact]
    public void Permuting_the_points_permutes_the_coordinates_up_to_column_sign()
    {
        using var scope = torch.NewDisposeScope();
        var cloud = Cloud(1, 15, 4, 5);
        var permutation = Enumerable.Range(0, 15).Reverse().Select(i => (long)((i * 7) % 15)).ToArray();
        var a = DiffusionMap.Compute(cloud);
        var b = DiffusionMap.Compute(cloud.index_select(1, torch.tensor(permutation)));
        var expected = a.Coordinates.index_select(1, torch.tensor(permutation));
        var signs = (expected * b.Coordinates).sum(1, keepdim: true).sign();
        var l = (int)a.Retained.item<long>();
        var difference = (expected * signs - b.Coordinates).narrow(2, 0, l).abs().max().item<double>();
        Assert.True(difference < 1e-8, $"max difference {difference}");
    }
}
