namespace AudioMix.Audio.Augmentation;

/// <summary>
/// How many pairs a set of items can form when each item may take part in at most <c>maxUses</c> pairs: every pair uses
/// two items, so ⌊n·maxUses/2⌋; when a pair may not repeat, also at most the n(n−1)/2 distinct pairs. The planners check
/// counts against this and the job preflight reports it, so both give the same figure.
/// </summary>
public static class PairingCapacity
{
    /// <summary>The most pairs <paramref name="items"/> items can form (0 below two items).</summary>
    public static long Of(int items, int maxUsesPerItem, bool distinctPairs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUsesPerItem);
        if (items < 2)
        {
            return 0;
        }

        var byUses = (long)items * maxUsesPerItem / 2;
        return distinctPairs ? Math.Min(byUses, (long)items * (items - 1) / 2) : byUses;
    }

    /// <summary>The smallest maxUses under which <paramref name="items"/> items can form <paramref name="count"/> pairs, or null if none can.</summary>
    public static int? MaxUsesFor(int items, long count, bool distinctPairs)
    {
        if (items < 2 || (distinctPairs && count > (long)items * (items - 1) / 2))
        {
            return null;
        }

        return (int)Math.Min(int.MaxValue, (2 * count + items - 1) / items);
    }
}
