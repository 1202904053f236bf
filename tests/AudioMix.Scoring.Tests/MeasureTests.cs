using AudioMix.Scoring.Manifold;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>Spec §15 A: PS and PM on synthetic coordinates, where the answers are known analytically.</summary>
public sealed class MeasureTests
{
    private static readonly double[] Origin = [0, 0, 0];
    private static readonly double[] Far = [40, 0, 0];

    private static double Pm(double[][] points, SourceLayout[] layout, int source = 0)
    {
        using var scope = torch.NewDisposeScope();
        return Coordinates.Values(MapssMeasures.Match(Coordinates.Map(points), layout, 0.05)[source].Score)[0];
    }

    private static double[] Ps(double[][] points, SourceLayout[] layout)
    {
        using var scope = torch.NewDisposeScope();
        return MapssMeasures.Separation(Coordinates.Map(points), layout, 0.05).Select(m => Coordinates.Values(m.Score)[0]).ToArray();
    }

    private static (double[][] Points, SourceLayout[] Layout) TwoClusters(double[] out1, double[] out2, ulong seed = 7) =>
        Coordinates.Cloud(
            (Origin, out1, Coordinates.Cluster(Origin, 40, 1, seed)),
            (Far, out2, Coordinates.Cluster(Far, 40, 1, seed + 1)));

    [Fact]
    public void PM_of_an_output_at_its_reference_is_at_least_0_999()
    {
        var (points, layout) = TwoClusters(Origin, Far);
        Assert.True(Pm(points, layout, 0) >= 0.999);
        Assert.True(Pm(points, layout, 1) >= 0.999);
    }

    [Fact]
    public void PM_strictly_decreases_as_the_output_moves_away_from_the_reference()
    {
        var previous = double.PositiveInfinity;
        foreach (var step in new[] { 0.0, 0.5, 1, 1.5, 2, 3, 4 })
        {
            var (points, layout) = TwoClusters([step * 0.6, step * 0.8, 0], Far);
            var pm = Pm(points, layout);
            Assert.True(pm < previous, $"PM {pm} at distance {step} did not fall below {previous}");
            previous = pm;
        }

        Assert.True(previous < 0.05);
    }

    [Fact]
    public void PS_is_near_1_at_the_own_cluster_mean_and_near_0_at_the_other_cluster_mean()
    {
        var (own, layoutOwn) = TwoClusters(Origin, Far);
        Assert.True(Ps(own, layoutOwn)[0] > 0.99);

        var (other, layoutOther) = TwoClusters(Far, Origin);
        Assert.True(Ps(other, layoutOther)[0] < 0.01);
    }

    [Fact]
    public void PS_is_one_half_at_equal_Mahalanobis_distance_from_both_clusters()
    {
        // Mirror-image clusters: the midpoint is equidistant under both covariances.
        var left = Coordinates.Cluster(Origin, 40, 1, 3);
        var right = left.Select(p => new[] { 40 - p[0], p[1], p[2] }).ToArray();
        var middle = new double[] { 20, 0, 0 };
        var (points, layout) = Coordinates.Cloud((Origin, middle, left), (Far, middle, right));
        var ps = Ps(points, layout);
        Assert.Equal(0.5, ps[0], 6);
        Assert.Equal(0.5, ps[1], 6);
    }

    [Fact]
    public void PS_of_two_identical_outputs_sums_to_1()
    {
        var shared = new double[] { 13, 2, -1 };
        var (points, layout) = TwoClusters(shared, shared);
        var ps = Ps(points, layout);
        Assert.Equal(1.0, ps[0] + ps[1], 6);
        Assert.InRange(ps[0], 0.01, 0.99);
    }

    [Fact]
    public void PM_with_fewer_than_two_distortions_is_0()
    {
        var (points, layout) = Coordinates.Cloud(
            (Origin, Origin, [[1, 0, 0]]),
            (Far, Far, Coordinates.Cluster(Far, 10, 1, 2)));
        Assert.Equal(0, Pm(points, layout, 0));
    }

    [Fact]
    public void PM_of_a_degenerate_Gamma_is_1_at_the_reference_and_0_elsewhere()
    {
        // ±e_i around the reference: every distortion has the same Mahalanobis distance (zero variance of g).
        double[][] symmetric = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
        var other = Coordinates.Cluster(Far, 10, 1, 2);
        var (atReference, layout) = Coordinates.Cloud((Origin, Origin, symmetric), (Far, Far, other));
        Assert.Equal(1, Pm(atReference, layout));
        var (away, layoutAway) = Coordinates.Cloud((Origin, [0.5, 0, 0], symmetric), (Far, Far, other));
        Assert.Equal(0, Pm(away, layoutAway));
    }

    [Fact]
    public void PS_and_PM_are_invariant_to_invertible_linear_maps_permutations_and_sign_flips()
    {
        var (points, layout) = TwoClusters([1.2, -0.7, 0.4], [38.5, 1, -0.5]);
        var baseline = Ps(points, layout).Concat([Pm(points, layout, 0), Pm(points, layout, 1)]).ToArray();

        // Invertible linear map (scales kept large relative to the 1e-6 ridge).
        double[] Linear(double[] p) => [(2 * p[0]) + p[1], p[1] - (0.5 * p[2]), (3 * p[2]) + (0.3 * p[0])];
        var mapped = Coordinates.Transform(points, Linear);

        // Column sign flips and a column permutation (what an eigensolver may return).
        double[] Flip(double[] p) => [-p[2], p[0], -p[1]];
        var flipped = Coordinates.Transform(points, Flip);

        // Distortion order reversed inside each cluster.
        var reordered = points.ToArray();
        Array.Reverse(reordered, 2, 40);
        Array.Reverse(reordered, 44, 40);

        foreach (var variant in new[] { mapped, flipped, reordered })
        {
            var scores = Ps(variant, layout).Concat([Pm(variant, layout, 0), Pm(variant, layout, 1)]).ToArray();
            for (var i = 0; i < scores.Length; i++)
            {
                Assert.Equal(baseline[i], scores[i], 5);
            }
        }
    }

    [Fact]
    public void Every_score_and_interval_is_finite_and_within_0_1_when_coordinates_are_truncated()
    {
        using var scope = torch.NewDisposeScope();
        var (points, layout) = TwoClusters([3, 1, 0], [30, 4, 2]);
        var map = Coordinates.Map(points);

        // Keep 2 of 3 columns: the third becomes the complement used by the intervals.
        map = map with { Retained = torch.full(1, 2, dtype: torch.ScalarType.Int64) };
        var all = MapssMeasures.Separation(map, layout, 0.05).Concat(MapssMeasures.Match(map, layout, 0.05));
        foreach (var m in all)
        {
            foreach (var v in new[] { m.Score, m.Bias, m.Prob }.SelectMany(Coordinates.Values))
            {
                Assert.True(double.IsFinite(v) && v is >= 0 and <= 1, $"value {v} outside [0, 1]");
            }

            Assert.True(Coordinates.Values(m.Bias)[0] > 0, "a truncated complement must give a non-zero error radius");
        }
    }
}
