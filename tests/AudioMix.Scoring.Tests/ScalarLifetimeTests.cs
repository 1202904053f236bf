using AudioMix.Scoring.Manifold;
using AudioMix.TestSupport;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

/// <summary>
/// MAPSS under continuous garbage collection. TorchSharp scalars left unreachable during a native call used to be
/// finalized under libtorch (about one test run in ten failed inside clamp/mul with "Expected false to be true");
/// the scoring code now keeps every scalar alive (KeptScalars; AMX0001 enforces it at build time). With a thread
/// forcing collections and finalizers back to back, a finalized scalar would surface as a libtorch error or a wrong
/// value within a run; the scores must match an undisturbed run.
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Fact]
    public async Task Scores_match_an_undisturbed_run_while_collections_and_finalizers_run_continuously()
    {
        const int length = 16000; // 1 s: 50 frames, every kernel of the pipeline still runs.
        float[][] refs = [Signals.Source1(length), Signals.Source2(length)];
        float[][] outs = [Signals.Add(refs[0], Signals.Scale(refs[1], 0.2)), Signals.Add(refs[1], Signals.Scale(refs[0], 0.3))];
        var undisturbed = Scoring.Run(refs, outs);

        await using (ContinuousCollection.Start(TestContext.Current.CancellationToken))
        {
            for (var run = 0; run < 3; run++)
            {
                var disturbed = Scoring.Run(refs, outs);
                for (var s = 0; s < refs.Length; s++)
                {
                    AssertClose(undisturbed.Sources[s].Ps, disturbed.Sources[s].Ps);
                    AssertClose(undisturbed.Sources[s].Pm, disturbed.Sources[s].Pm);
                    AssertClose(undisturbed.Sources[s].PmProb, disturbed.Sources[s].PmProb);
                }
            }
        }
    }

    [Fact]
    public async Task Manifold_and_measures_stay_exact_over_thousands_of_small_frames_under_continuous_collection()
    {
        // Many short native calls (small clouds) give a collection many chances to land inside one: this is the
        // sensitive form of the check above, over the diffusion map and both measures.
        var (points, layout) = Coordinates.Cloud(
            ([0, 0, 0], [0.3, 0, 0], Coordinates.Cluster([0, 0, 0], 12, 1, 3)),
            ([6, 0, 0], [5, 1, 0], Coordinates.Cluster([6, 0, 0], 12, 1, 4)));
        var expected = ScoreOnce(points, layout);

        await using (ContinuousCollection.Start(TestContext.Current.CancellationToken))
        {
            for (var i = 0; i < 1500; i++)
            {
                AssertClose(expected, ScoreOnce(points, layout));
            }
        }
    }

    private static double[] ScoreOnce(double[][] points, SourceLayout[] layout)
    {
        using var scope = torch.NewDisposeScope();
        var cloud = torch.tensor(points.SelectMany(p => p).ToArray(), [1, points.Length, points[0].Length], dtype: torch.ScalarType.Float64);
        var map = DiffusionMap.Compute(cloud);
        var separation = MapssMeasures.Separation(map, layout, 0.05);
        var match = MapssMeasures.Match(map, layout, 0.05);
        return [.. separation.Concat(match).SelectMany(m => new[] { m.Score, m.Bias, m.Prob }).SelectMany(Coordinates.Values)];
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var j = 0; j < expected.Count; j++)
        {
            Assert.Equal(double.IsNaN(expected[j]), double.IsNaN(actual[j]));
            if (double.IsFinite(expected[j]))
            {
                // Same inputs, same seed: equal up to libtorch's thread-order rounding.
                Assert.True(Math.Abs(expected[j] - actual[j]) < 1e-9, $"frame {j}: {expected[j]} vs {actual[j]}");
            }
        }
    }
}
