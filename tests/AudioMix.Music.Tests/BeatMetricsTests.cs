using AudioMix.Music.Beats;

namespace AudioMix.Music.Tests;

public sealed class BeatMetricsTests
{
    private static double[] Grid(double start, double period, int count, double shift = 0) =>
        [.. Enumerable.Range(0, count).Select(i => start + (i * period) + shift)];

    [Fact]
    public void Trim_beats_drops_everything_before_five_seconds()
    {
        Assert.Equal([5.0, 6.5], BeatMetrics.TrimBeats([0.5, 4.999, 5.0, 6.5]));
    }

    [Fact]
    public void F_measure_counts_one_to_one_matches_within_70_ms()
    {
        double[] reference = [1.0, 2.0, 3.0, 4.0];
        // 2.06 matches 2.0; 3.08 is outside the window; 4.0 and 4.01 compete for one reference beat.
        double[] estimate = [1.0, 2.06, 3.08, 4.0, 4.01];

        // 3 matches: P = 3/5, R = 3/4, F = 2·0.6·0.75 / 1.35 = 2/3.
        Assert.Equal(2.0 / 3.0, BeatMetrics.FMeasure(reference, estimate), 12);
        Assert.Equal(1.0, BeatMetrics.FMeasure(reference, reference));
        Assert.Equal(0.0, BeatMetrics.FMeasure(reference, []));
        Assert.Equal(0.0, BeatMetrics.FMeasure([], estimate));
        Assert.Equal(1.0, BeatMetrics.FMeasure([1.0], [1.069]));
        Assert.Equal(0.0, BeatMetrics.FMeasure([1.0], [1.071]));
    }

    [Fact]
    public void Matching_is_maximal_not_greedy()
    {
        // Greedy nearest matching pairs 1.05 with 1.0 … and leaves 1.10 without a partner; the maximum matching
        // pairs 0.99 ↔ 1.0 and 1.05 ↔ 1.10 … Two estimates, two references, both matchable: count 2.
        Assert.Equal(2, BeatMetrics.MatchCount([1.0, 1.10], [0.96, 1.05], 0.07));
        Assert.Equal(2, BeatMetrics.MatchCount([1.0, 1.12], [1.05, 1.17], 0.07));
    }

    [Fact]
    public void Double_tempo_estimate_halves_precision_but_keeps_amlt()
    {
        var reference = Grid(0, 0.5, 40);
        var doubled = Grid(0, 0.25, 79);

        Assert.Equal(2 * (40.0 / 79) * 1.0 / ((40.0 / 79) + 1), BeatMetrics.FMeasure(reference, doubled), 12);
        var c = BeatMetrics.Continuity(reference, doubled);
        Assert.Equal(0.0, c.CmlT);
        Assert.Equal(1.0, c.AmlT);
        Assert.Equal(1.0, c.AmlC);
    }

    [Fact]
    public void Off_beat_estimate_has_zero_cml_and_full_aml()
    {
        var reference = Grid(0, 0.5, 40);
        var offbeat = Grid(0.25, 0.5, 39);

        var c = BeatMetrics.Continuity(reference, offbeat);
        Assert.Equal(0.0, c.CmlT);
        Assert.Equal(0.0, BeatMetrics.FMeasure(reference, offbeat));
        Assert.Equal(1.0, c.AmlT);
    }

    [Fact]
    public void Half_tempo_estimate_is_accepted_only_by_aml()
    {
        var reference = Grid(0, 0.5, 40);
        var half = Grid(0.5, 1.0, 20);

        var c = BeatMetrics.Continuity(reference, half);
        Assert.Equal(0.0, c.CmlT);
        Assert.Equal(1.0, c.AmlT);
        // P = 1, R = 0.5.
        Assert.Equal(2.0 / 3.0, BeatMetrics.FMeasure(reference, half), 12);
    }

    [Fact]
    public void Continuity_counts_the_longest_run_and_the_total()
    {
        var reference = Grid(0, 0.5, 10);
        var estimate = (double[])reference.Clone();
        // Beat 4 is off by 30 % of the interval: it fails the phase test and its neighbour the period test.
        estimate[4] += 0.15;

        var c = BeatMetrics.Continuity(reference, estimate);
        // Beat 4 fails (phase 0.3 > 0.175); beat 5 fails (its interval 0.35 vs 0.5: period error 0.3).
        // Correct: 0-3 and 6-9 → total 8/10, longest run 4/10.
        Assert.Equal(0.8, c.CmlT, 12);
        Assert.Equal(0.4, c.CmlC, 12);
    }

    [Fact]
    public void Cemgil_is_one_for_identical_and_decays_with_offset()
    {
        var reference = Grid(0, 0.5, 20);
        Assert.Equal(1.0, BeatMetrics.Cemgil(reference, reference), 12);
        // A constant 40 ms offset = one σ: exp(−½).
        Assert.Equal(Math.Exp(-0.5), BeatMetrics.Cemgil(reference, Grid(0, 0.5, 20, 0.04)), 9);
    }

    [Fact]
    public void P_score_counts_pairs_within_a_fifth_of_the_median_interval()
    {
        var reference = Grid(1, 0.5, 20);
        Assert.Equal(1.0, BeatMetrics.PScore(reference, reference), 12);
        // Window = round(0.2 · 50) = 10 quantisation steps = 100 ms: 80 ms late still counts, 150 ms does not.
        Assert.Equal(1.0, BeatMetrics.PScore(reference, Grid(1, 0.5, 20, 0.08)), 12);
        Assert.Equal(0.0, BeatMetrics.PScore(reference, Grid(1, 0.5, 20, 0.15)), 12);
    }

    [Theory]
    [InlineData(120, 124.7, true, true)]
    [InlineData(120, 125.0, false, false)]
    [InlineData(120, 240.0, false, true)]
    [InlineData(120, 60.0, false, true)]
    [InlineData(120, 360.0, false, true)]
    [InlineData(120, 40.0, false, true)]
    [InlineData(120, 180.0, false, false)]
    public void Tempo_accuracy_follows_gouyon(double reference, double estimate, bool acc1, bool acc2)
    {
        Assert.Equal(acc1, BeatMetrics.TempoAcc1(reference, estimate));
        Assert.Equal(acc2, BeatMetrics.TempoAcc2(reference, estimate));
    }
}
