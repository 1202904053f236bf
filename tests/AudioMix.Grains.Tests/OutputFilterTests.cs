using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs.Review;

namespace AudioMix.Grains.Tests;

/// <summary>The review filter language: fields from metrics, output fields and provenance paths; clear errors.</summary>
public sealed class OutputFilterTests
{
    private static JobOutput Output(int index, double? ps = null, string? label = null, ReviewState review = ReviewState.Pending, double lambda = 0.5) =>
        new(index, "score", $"jobs/j/outputs/{index:D6}.wav", 2.0, 16000, 1, label, null, "rain on a roof", null,
            $$"""{"op":"score","lambda":{{lambda.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"sources":[{"gainDb":-3.5},{"gainDb":1}]}""",
            null, review, null, ps is { } p ? new Dictionary<string, double> { ["ps.vocals"] = p, ["gridOffsetMs"] = 25 } : null);

    [Theory]
    [InlineData("ps.vocals < 0.6", true)]
    [InlineData("ps.vocals >= 0.6", false)]
    [InlineData("gridOffsetMs > 20 and label = dog", true)]
    [InlineData("gridOffsetMs > 20 and label = 'cat'", false)]
    [InlineData("label = cat or review = accepted", true)]
    [InlineData("not (review = pending)", true)]
    [InlineData("review != accepted", false)]
    [InlineData("caption ~ ROOF", true)]
    [InlineData("lambda == 0.25", true)]
    [InlineData("provenance.sources.0.gainDb < -3", true)]
    [InlineData("sources.1.gainDb > 2", false)]
    [InlineData("metrics.ps.vocals < 1e-0", true)]
    [InlineData("index >= 7 and duration = 2", true)]
    [InlineData("nosuchfield > 0", false)]
    [InlineData("not nosuchfield > 0", true)]
    public void Comparisons_resolve_metrics_fields_and_provenance_paths(string filter, bool expected) =>
        Assert.Equal(expected, OutputFilter.Parse(filter).Matches(Output(7, ps: 0.5, label: "dog", review: ReviewState.Accepted, lambda: 0.25)));

    [Fact]
    public void Outputs_without_the_metric_never_match_a_comparison_on_it() =>
        Assert.False(OutputFilter.Parse("ps.vocals < 100").Matches(Output(1)));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("lambda >", "position 9: expected a value")]
    [InlineData("lambda 0.5", "position 8: expected an operator")]
    [InlineData("(lambda > 1", "expected ')' to close the '(' at position 1")]
    [InlineData("lambda > 1 label = x", "position 12: expected 'and', 'or' or the end")]
    [InlineData("label = 'dog", "not closed")]
    [InlineData("lambda ! 1", "'!' must be followed by '='")]
    [InlineData("lambda > 1.2.3", "'1.2.3' is not a number")]
    [InlineData("lambda > 1 and", "expected a field name")]
    [InlineData("label = x; drop", "unexpected ';'")]
    public void Bad_filters_say_where_and_what(string filter, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => OutputFilter.Parse(filter)).Message, StringComparison.Ordinal);

    [Fact]
    public void Input_size_and_nesting_are_bounded()
    {
        Assert.Contains("at most 1000", Assert.Throws<ArgumentException>(() => OutputFilter.Parse(new string(' ', 1001) + "x")).Message, StringComparison.Ordinal);
        var deep = new string('(', 40) + "lambda > 0" + new string(')', 40);
        Assert.Contains("nested more than 32", Assert.Throws<ArgumentException>(() => OutputFilter.Parse(deep)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sort_keys_are_numbers_or_texts_and_sort_fields_are_checked()
    {
        Assert.Equal(0.5, OutputFilter.SortKey(Output(1, ps: 0.5), "ps.vocals"));
        Assert.Equal("pending", OutputFilter.SortKey(Output(1), "review"));
        Assert.Null(OutputFilter.SortKey(Output(1), "ps.vocals"));
        Assert.Equal("ps.vocals", OutputFilter.CheckField("ps.vocals"));
        Assert.Throws<ArgumentException>(() => OutputFilter.CheckField("ps.vocals < 1"));
    }

    [Theory]
    [InlineData("lambda == 0.25")]
    [InlineData("provenance.sources.0.gainDb < -3")]
    [InlineData("sources.1.gainDb > 2")]
    [InlineData("nosuchfield > 0 or op = score")]
    [InlineData("not (lambda < 0.3 and sources.0.gainDb < 0)")]
    public void A_field_cache_gives_the_same_answers_as_parsing_and_reads_each_provenance_once(string filter)
    {
        var parsed = OutputFilter.Parse(filter);
        var outputs = Enumerable.Range(0, 50).Select(i => Output(i, lambda: i / 100.0)).ToArray();
        var cache = new OutputFilter.FieldCache();
        var expected = outputs.Select(o => parsed.Matches(o)).ToArray();
        Assert.Equal(expected, outputs.Select(o => parsed.Matches(o, cache)).ToArray());
        var held = cache.Count;
        Assert.InRange(held, outputs.Length, outputs.Length * 3);

        // Asked again (the next page, a bulk review), every value comes from the cache: nothing new is held.
        Assert.Equal(expected, outputs.Select(o => parsed.Matches(o, cache)).ToArray());
        Assert.Equal(held, cache.Count);
        Assert.Equal(outputs.Select(o => OutputFilter.SortKey(o, "lambda")), outputs.Select(o => OutputFilter.SortKey(o, "lambda", cache)));
    }

    [Fact]
    public void A_cached_value_is_not_used_once_the_output_carries_another_provenance()
    {
        var cache = new OutputFilter.FieldCache();
        var filter = OutputFilter.Parse("lambda < 0.5");
        Assert.True(filter.Matches(Output(3, lambda: 0.2), cache));

        // The same unit re-recorded (another provenance string): its new value counts, not the cached one.
        Assert.False(filter.Matches(Output(3, lambda: 0.8), cache));
        Assert.Equal(0.8, OutputFilter.SortKey(Output(3, lambda: 0.8), "lambda", cache));

        // A review keeps the provenance (a `with` copy): the cached value is still the output's.
        var reviewed = Output(4, lambda: 0.1) is var original ? original with { Review = ReviewState.Accepted } : null!;
        Assert.True(filter.Matches(original, cache));
        Assert.True(filter.Matches(reviewed, cache));
    }

    [Fact]
    public void The_field_cache_is_bounded_in_fields()
    {
        var cache = new OutputFilter.FieldCache();
        var output = Output(1);
        for (var i = 0; i < OutputFilter.FieldCache.MaxFields * 3; i++)
        {
            OutputFilter.SortKey(output, "field" + i, cache);
            Assert.InRange(cache.Count, 1, OutputFilter.FieldCache.MaxFields);
        }
    }
}
