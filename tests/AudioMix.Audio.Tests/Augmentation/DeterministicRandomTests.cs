using AudioMix.Audio.Augmentation;

namespace AudioMix.Audio.Tests.Augmentation;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void Same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        var a = new DeterministicRandom(42);
        var b = new DeterministicRandom(42);
        var c = new DeterministicRandom(43);
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        var sb = Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray();
        var sc = Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray();
        Assert.Equal(sa, sb);
        Assert.NotEqual(sa, sc);
    }

    [Fact]
    public void The_sequence_is_pinned_so_outputs_replay_across_versions()
    {
        // xoshiro256** seeded by SplitMix64(0): if this changes, every recorded seed replays differently.
        var rng = new DeterministicRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, rng.NextUInt64());
    }

    [Fact]
    public void Unit_streams_are_independent_of_order()
    {
        var first = DeterministicRandom.ForUnit(7, 5).NextDouble();
        _ = DeterministicRandom.ForUnit(7, 4).NextDouble();
        Assert.Equal(first, DeterministicRandom.ForUnit(7, 5).NextDouble());
        Assert.NotEqual(first, DeterministicRandom.ForUnit(7, 6).NextDouble());
        Assert.NotEqual(first, DeterministicRandom.ForUnit(7, 5, stream: 1).NextDouble());
    }

    [Fact]
    public void NextInt_is_uniform_and_in_range()
    {
        var rng = new DeterministicRandom(1);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        // Each bin expects 10 000; 5 sigma ≈ 463.
        Assert.All(counts, n => Assert.InRange(n, 9_500, 10_500));
    }

    [Theory]
    [InlineData(0.4, 0.4)]
    [InlineData(5, 5)]
    [InlineData(2, 0.5)]
    [InlineData(0.05, 0.05)]
    public void Beta_samples_have_the_right_mean_and_variance(double a, double b)
    {
        var rng = new DeterministicRandom(99);
        const int n = 40_000;
        var xs = Enumerable.Range(0, n).Select(_ => rng.NextBeta(a, b)).ToArray();
        var mean = xs.Average();
        var variance = xs.Select(x => (x - mean) * (x - mean)).Sum() / (n - 1);
        var expectedMean = a / (a + b);
        var expectedVariance = a * b / ((a + b) * (a + b) * (a + b + 1));
        Assert.All(xs, x => Assert.InRange(x, 0.0, 1.0));
        Assert.InRange(mean, expectedMean - 0.01, expectedMean + 0.01);
        Assert.InRange(variance, expectedVariance * 0.93, expectedVariance * 1.07);
    }

    [Fact]
    public void Gamma_rejects_bad_shapes()
    {
        var rng = new DeterministicRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextGamma(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextGamma(double.NaN));
    }
}
