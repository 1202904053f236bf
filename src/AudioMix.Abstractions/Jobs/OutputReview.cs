namespace AudioMix.Abstractions.Jobs;

/// <summary>
/// Which outputs to list and in what order: a filter expression (e.g. <c>ps.vocals &lt; 0.6 and review = pending</c>;
/// grammar in the grains' <c>OutputFilter</c>) and a field to sort by (a metric, <c>label</c>, <c>review</c>, a
/// provenance path), ascending unless <see cref="Descending"/>. Outputs without the sort field come last; ties keep unit order.
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.OutputQuery")]
public sealed record OutputQuery(string? Filter = null, string? Sort = null, bool Descending = false)
{
    /// <summary>True when the query neither filters nor sorts (plain unit order).</summary>
    public bool IsPlain => string.IsNullOrWhiteSpace(Filter) && string.IsNullOrWhiteSpace(Sort);
}

/// <summary>Review counts of one op's rendered outputs (failed units are counted apart).</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.OpReviewCounts")]
public sealed record OpReviewCounts(string Op, int Accepted, int Rejected, int Pending, int Failed)
{
    /// <summary>The sum of two counts of the same op.</summary>
    public OpReviewCounts Plus(OpReviewCounts other) =>
        this with { Accepted = Accepted + other.Accepted, Rejected = Rejected + other.Rejected, Pending = Pending + other.Pending, Failed = Failed + other.Failed };
}

/// <summary>A job's review state: counts per op, sorted by op name.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ReviewSummary")]
public sealed record ReviewSummary(IReadOnlyList<OpReviewCounts> Ops);
