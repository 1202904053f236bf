using AudioMix.Music.Mixing;

namespace AudioMix.Music.Tests.Mixing;

public sealed class BeatSyncPairPlannerTests
{
    private static TrackTempo T(double bpm, int meter = 4) => new(bpm, meter, BeatCount: 40, Confidence: 0.8);

    private static readonly TrackTempo[] Library =
    [
        T(120), T(121), T(124), T(60), T(240.5), T(100), T(128), T(96, 3), T(97, 3), T(150), T(75), T(119.7),
    ];

    [Fact]
    public void Every_pair_is_tempo_compatible_within_the_tolerance_and_never_self()
    {
        var options = new BeatSyncPairOptions();
        var pairs = BeatSyncPairPlanner.Plan(Library, 30, seed: 3, options);

        Assert.NotEmpty(pairs);
        foreach (var p in pairs)
        {
            Assert.NotEqual(p.Anchor, p.Partner);
            var folded = Library[p.Partner].Tempo * p.OctaveFactor;
            Assert.True(Math.Abs(Library[p.Anchor].Tempo / folded - 1) <= 0.06 + 1e-12, $"{Library[p.Anchor].Tempo} vs {folded}");
            // After stretching the partner by r its tempo is folded / r = the anchor's.
            if (p.StretchRatio != 1)
            {
                Assert.Equal(Library[p.Anchor].Tempo, folded / p.StretchRatio, 9);
            }
        }
    }

    [Fact]
    public void Half_and_double_time_tracks_pair_through_octave_folding_only_when_enabled()
    {
        TrackTempo[] tracks = [T(60), T(120.2)];
        var folded = BeatSyncPairPlanner.Plan(tracks, 1, 1, new BeatSyncPairOptions());
        var strict = BeatSyncPairPlanner.Plan(tracks, 1, 1, new BeatSyncPairOptions { OctaveFolding = false });

        var pair = Assert.Single(folded);
        Assert.Contains(pair.OctaveFactor, new[] { 0.5, 2.0 });
        Assert.Empty(strict);
    }

    [Fact]
    public void Nearly_equal_tempi_mix_without_stretching()
    {
        var pair = Assert.Single(BeatSyncPairPlanner.Plan([T(120), T(120.2)], 1, 9, new BeatSyncPairOptions()));
        Assert.Equal(1.0, pair.StretchRatio);
        Assert.True(pair.Mismatch <= 0.003);
    }

    [Fact]
    public void Uses_per_item_are_bounded_and_the_plan_stops_when_partners_run_out()
    {
        var options = new BeatSyncPairOptions { MaxUsesPerItem = 2 };
        var pairs = BeatSyncPairPlanner.Plan(Library, 1000, 5, options);

        var uses = new int[Library.Length];
        foreach (var p in pairs)
        {
            uses[p.Anchor]++;
            uses[p.Partner]++;
        }

        Assert.All(uses, u => Assert.InRange(u, 0, 2));
        Assert.True(pairs.Count < 1000);
    }

    [Fact]
    public void Meter_match_keeps_waltzes_with_waltzes()
    {
        var pairs = BeatSyncPairPlanner.Plan(Library, 20, 2, new BeatSyncPairOptions { RequireMeterMatch = true });
        Assert.All(pairs, p => Assert.Equal(Library[p.Anchor].Meter, Library[p.Partner].Meter));
    }

    [Fact]
    public void Tracks_with_few_beats_or_low_confidence_are_left_out()
    {
        TrackTempo[] tracks = [T(120), T(120.1) with { BeatCount = 3 }, T(120.2) with { Confidence = 0.1 }, T(119.9)];
        var pairs = BeatSyncPairPlanner.Plan(tracks, 10, 4, new BeatSyncPairOptions { MinConfidence = 0.5, MaxUsesPerItem = 10 });
        Assert.All(pairs, p => Assert.DoesNotContain(p.Anchor, new[] { 1, 2 }));
        Assert.All(pairs, p => Assert.DoesNotContain(p.Partner, new[] { 1, 2 }));
        Assert.NotEmpty(pairs);
    }

    [Fact]
    public void Plans_are_deterministic_given_the_seed()
    {
        var options = new BeatSyncPairOptions();
        Assert.Equal(BeatSyncPairPlanner.Plan(Library, 15, 11, options), BeatSyncPairPlanner.Plan(Library, 15, 11, options));
        Assert.NotEqual(BeatSyncPairPlanner.Plan(Library, 15, 11, options), BeatSyncPairPlanner.Plan(Library, 15, 12, options));
    }

    [Fact]
    public void Lambda_follows_beta_five_five()
    {
        TrackTempo[] many = Enumerable.Range(0, 40).Select(i => T(120 + i * 0.01)).ToArray();
        var pairs = BeatSyncPairPlanner.Plan(many, 400, 8, new BeatSyncPairOptions { MaxUsesPerItem = 100 });
        var mean = pairs.Average(p => p.Lambda);
        Assert.Equal(400, pairs.Count);
        Assert.InRange(mean, 0.47, 0.53);
        Assert.All(pairs, p => Assert.InRange(p.Lambda, 0.0, 1.0));
    }

    [Fact]
    public void Bad_options_are_rejected_by_name()
    {
        Assert.Contains("tolerance", Assert.Throws<ArgumentException>(() => BeatSyncPairPlanner.Plan(Library, 1, 1, new BeatSyncPairOptions { Tolerance = 0.5 })).Message, StringComparison.Ordinal);
        Assert.Contains("maxUsesPerItem", Assert.Throws<ArgumentException>(() => BeatSyncPairPlanner.Plan(Library, 1, 1, new BeatSyncPairOptions { MaxUsesPerItem = 0 })).Message, StringComparison.Ordinal);
    }
}
