using AudioMix.Captions.Pairing;
using AudioMix.Captions.Tests.Merging;

namespace AudioMix.Captions.Tests.Pairing;

public sealed class CaptionMixPlannerTests
{
    private static CaptionedClip[] Clips() =>
        CaptionPairs.All.SelectMany(p => new[] { p.First, p.Second }).Distinct().Select((c, i) => new CaptionedClip($"item{i}", c)).ToArray();

    [Fact]
    public void Plans_the_requested_count_deterministically_without_self_pairs_or_repeats()
    {
        var clips = Clips();
        var options = new CaptionMixPlanOptions { Count = 80, MaxUsesPerItem = 2 };
        var plan = CaptionMixPlanner.Plan(clips, options, seed: 11);
        Assert.Equal(80, plan.Count);
        Assert.Equal(plan, CaptionMixPlanner.Plan(clips, options, seed: 11));
        Assert.NotEqual(plan, CaptionMixPlanner.Plan(clips, options, seed: 12));
        Assert.All(plan, p => Assert.NotEqual(p.First, p.Second));
        Assert.Equal(plan.Count, plan.Select(p => (Math.Min(p.First, p.Second), Math.Max(p.First, p.Second))).Distinct().Count());
        var uses = plan.SelectMany(p => new[] { p.First, p.Second }).GroupBy(i => i).Max(g => g.Count());
        Assert.True(uses <= 2, $"an item is used {uses} times");
        Assert.All(plan, p => Assert.InRange(p.Similarity, 0, 0.8));
    }

    [Fact]
    public void Near_duplicate_captions_are_never_paired()
    {
        var clips = new[]
        {
            new CaptionedClip("a", "Rain falls on a roof"),
            new CaptionedClip("b", "Rain falls on a roof."),
            new CaptionedClip("c", "Heavy rain falls on a roof"),
            new CaptionedClip("d", "A dog barks"),
        };
        var plan = CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 3, MaxUsesPerItem = 3, SimilarityThreshold = 0.6 }, seed: 1);
        Assert.All(plan, p => Assert.Contains(3, new[] { p.First, p.Second }));

        var error = Assert.Throws<ArgumentException>(() => CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 4, MaxUsesPerItem = 3, SimilarityThreshold = 0.6 }, seed: 1));
        Assert.Contains("near-duplicates", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SimilarityMeasure.TfIdfCosine)]
    [InlineData(SimilarityMeasure.TokenJaccard)]
    public void Similarity_is_one_for_identical_content_and_zero_for_disjoint(SimilarityMeasure measure)
    {
        var s = new CaptionSimilarity(["A dog barks.", "a dog BARKS", "Rain falls on a roof", "Heavy rain falls"], measure);
        Assert.Equal(1, s.Between(0, 1), 6);
        Assert.Equal(0, s.Between(0, 2), 6);
        Assert.InRange(s.Between(2, 3), 0.2, 0.9);
    }

    [Fact]
    public void Label_disjoint_pairing_never_pairs_shared_labels()
    {
        var clips = Enumerable.Range(0, 12).Select(i => new CaptionedClip($"i{i}", $"Sound number {i} with word{i}", [i % 3 == 0 ? "speech" : $"label{i}"])).ToArray();
        var plan = CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 20, MaxUsesPerItem = 4, LabelDisjoint = true }, seed: 5);
        Assert.All(plan, p => Assert.False(clips[p.First].Labels![0] == clips[p.Second].Labels![0], $"{p.First} and {p.Second} share a label"));
    }

    [Fact]
    public void A_count_the_dataset_cannot_supply_is_a_clear_error()
    {
        var clips = Clips().Take(10).ToArray();
        var tooMany = Assert.Throws<ArgumentException>(() => CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 11, MaxUsesPerItem = 2 }, 0));
        Assert.Contains("at most 10 mixes", tooMany.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CaptionMixPlanner.Plan(clips.Take(1).ToArray(), new CaptionMixPlanOptions { Count = 1 }, 0));
        Assert.Throws<ArgumentException>(() => CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 0 }, 0));
        Assert.Throws<ArgumentException>(() => CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 1, SimilarityThreshold = 1.5 }, 0));
    }

    [Fact]
    public void Large_datasets_are_sampled_under_the_same_rules()
    {
        // 2100 items: more than 2M candidate pairs, so the sampling path runs.
        var clips = Enumerable.Range(0, 2100).Select(i => new CaptionedClip($"i{i}", $"source{i} makes noise{i % 50}")).ToArray();
        var plan = CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 1500, MaxUsesPerItem = 2 }, seed: 3);
        Assert.Equal(1500, plan.Count);
        Assert.All(plan, p => Assert.NotEqual(p.First, p.Second));
        Assert.True(plan.SelectMany(p => new[] { p.First, p.Second }).GroupBy(i => i).Max(g => g.Count()) <= 2);
        Assert.Equal(plan, CaptionMixPlanner.Plan(clips, new CaptionMixPlanOptions { Count = 1500, MaxUsesPerItem = 2 }, seed: 3));
    }
}
