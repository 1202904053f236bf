using AudioMix.Grains.Jobs.Sharding;

namespace AudioMix.Grains.Jobs.Review;

/// <summary>
/// The order of filtered outputs: by sort key (numbers before texts, texts case-insensitively; outputs without the
/// field last, whatever the direction), ties and unsorted queries in unit order.
/// </summary>
internal static class MatchOrder
{
    public static Comparison<ShardMatch> For(bool sorted, bool descending) => (a, b) =>
    {
        if (sorted)
        {
            var (ra, rb) = (Rank(a), Rank(b));
            if (ra != rb)
            {
                return ra.CompareTo(rb);
            }

            var order = ra switch
            {
                0 => a.Number!.Value.CompareTo(b.Number!.Value),
                1 => string.Compare(a.Text, b.Text, StringComparison.OrdinalIgnoreCase),
                _ => 0,
            };
            if (order != 0)
            {
                return descending ? -order : order;
            }
        }

        return a.Index.CompareTo(b.Index);
    };

    private static int Rank(ShardMatch m) => m.Number is not null ? 0 : m.Text is not null ? 1 : 2;
}
