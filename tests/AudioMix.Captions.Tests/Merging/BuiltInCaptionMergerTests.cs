using System.Text.RegularExpressions;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Text;

namespace AudioMix.Captions.Tests.Merging;

public sealed partial class BuiltInCaptionMergerTests
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (a, b) in CaptionPairs.All)
        {
            data.Add(a, b);
        }

        return data;
    }

    [Fact]
    public void The_pair_list_is_at_least_fifty_distinct_pairs() =>
        Assert.True(CaptionPairs.All.Distinct().Count() >= 50, $"only {CaptionPairs.All.Distinct().Count()} pairs");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_variant_is_one_well_formed_sentence_keeping_both_captions_content(string first, string second)
    {
        var variants = BuiltInCaptionMerger.Merge(first, second, variants: 3, seed: 7);
        Assert.NotEmpty(variants);
        Assert.Equal(variants.Count, variants.Distinct(StringComparer.Ordinal).Count());
        foreach (var merged in variants)
        {
            // One sentence: a capital first letter, a single final period, no other sentence punctuation.
            Assert.Matches(WellFormed(), merged);
            Assert.False(merged.EndsWith("..", StringComparison.Ordinal), merged);
            Assert.DoesNotContain("  ", merged, StringComparison.Ordinal);
            var tokens = CaptionText.Tokens(merged);
            for (var i = 1; i < tokens.Count; i++)
            {
                Assert.False(tokens[i] == tokens[i - 1], $"doubled word '{tokens[i]}' in \"{merged}\"");
                Assert.False(tokens[i] is "a" or "an" or "the" && tokens[i - 1] is "a" or "an" or "the", $"doubled article in \"{merged}\"");
            }

            // a/an agreement.
            Assert.DoesNotMatch(WrongArticle(), merged);

            // Content of both captions is present (any inflection).
            Assert.Empty(CaptionText.MissingContent(first, merged));
            Assert.Empty(CaptionText.MissingContent(second, merged));
            Assert.Empty(SoundLexicon.InventedSounds(merged, first, second));

            // Length bounds: at least the longer caption, at most both plus a connective and "another".
            var wa = CaptionText.WordCount(first);
            var wb = CaptionText.WordCount(second);
            Assert.InRange(tokens.Count, Math.Max(wa, wb), wa + wb + 3);
        }
    }

    [Fact]
    public void Examples_read_as_natural_sentences()
    {
        Assert.Equal("A dog barks while rain falls on a roof.", BuiltInCaptionMerger.Merge("A dog barks", "rain falls on a roof.", 3, seed: 0).First(v => v.Contains("while", StringComparison.Ordinal)));
        Assert.Equal("A man speaks and coughs loudly.", BuiltInCaptionMerger.Merge("A man speaks", "A man coughs loudly", 1)[0]);
        Assert.Contains("A man speaks while another man coughs loudly.", BuiltInCaptionMerger.Merge("A man speaks", "A man coughs loudly", 4));
        // A shared subject is only folded into a single clause; otherwise the second subject is "another".
        Assert.DoesNotContain("A man speaks while a crowd murmurs and laughs.", BuiltInCaptionMerger.Merge("A man speaks while a crowd murmurs", "A man laughs", 5));
        Assert.Contains("A man speaks while a crowd murmurs and another man laughs.", BuiltInCaptionMerger.Merge("A man speaks while a crowd murmurs", "A man laughs", 5));
        Assert.Contains("A man laughs as another man speaks while a crowd murmurs.", BuiltInCaptionMerger.Merge("A man speaks while a crowd murmurs", "A man laughs", 5));
        Assert.Equal("Heavy rain falls on a tin roof.", Assert.Single(BuiltInCaptionMerger.Merge("Rain falls", "Heavy rain falls on a tin roof", 3)));
        Assert.Contains("A dog barks while birds chirp in the distance.", BuiltInCaptionMerger.Merge("A dog barks in the distance", "Birds chirp in the distance", 3));
        Assert.Contains("A car engine idles with birds chirping in the background.", BuiltInCaptionMerger.Merge("Birds chirping in the background", "A car engine idles", 3));
        Assert.Contains("A bell rings while a bicycle passes by.", BuiltInCaptionMerger.Merge("A bell rings.  ", "  A bicycle passes by..", 3));
        Assert.Contains("An owl hoots while an engine is running.", BuiltInCaptionMerger.Merge("a owl hoots", "An engine is running", 3));
    }

    [Fact]
    public void Several_connectives_appear_across_the_pair_list()
    {
        var firsts = CaptionPairs.All.Select((p, i) => BuiltInCaptionMerger.Merge(p.First, p.Second, 1, seed: i)[0]).ToArray();
        var connectives = new[] { " while ", " as ", " and ", " with ", " amid ", " along with " };
        var used = connectives.Count(c => firsts.Any(f => f.Contains(c, StringComparison.Ordinal)));
        Assert.True(used >= 4, $"only {used} connectives used: {string.Join(" | ", firsts)}");
    }

    [Fact]
    public void Merging_is_deterministic_given_the_seed()
    {
        foreach (var (a, b) in CaptionPairs.All)
        {
            Assert.Equal(BuiltInCaptionMerger.Merge(a, b, 3, 42), BuiltInCaptionMerger.Merge(a, b, 3, 42));
        }
    }

    [Fact]
    public async Task The_merger_interface_reports_its_name_and_no_rejections()
    {
        var result = await new BuiltInCaptionMerger().MergeAsync(new CaptionMergeRequest("A cat meows", "A door slams", 2, 3), TestContext.Current.CancellationToken);
        Assert.Equal("builtin", result.Merger);
        Assert.Equal(2, result.Captions.Count);
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void Two_empty_captions_are_refused_by_name() =>
        Assert.Throws<ArgumentException>(() => BuiltInCaptionMerger.Merge(" ", "..", 1));

    [GeneratedRegex(@"^[A-Z][^.!?;]*[^.\s]\.$")]
    private static partial Regex WellFormed();

    [GeneratedRegex(@"\b[Aa] [aeioAEIO]\w|\b[Aa]n [bcdfgjklmnpqrstvwxyzBCDFGJKLMNPQRSTVWXYZ]\w")]
    private static partial Regex WrongArticle();
}
