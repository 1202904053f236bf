using AudioMix.Audio.Augmentation;

namespace AudioMix.Captions.Pairing;

/// <summary>A dataset item as the planner sees it.</summary>
/// <param name="Id">Stable item id.</param>
/// <param name="Caption">Its caption.</param>
/// <param name="Labels">Class labels or tags, when the dataset has them (for label-disjoint pairing).</param>
public sealed record CaptionedClip(string Id, string Caption, IReadOnlyList<string>? Labels = null);

/// <summary>How pairs are chosen.</summary>
public sealed record CaptionMixPlanOptions
{
    /// <summary>How many mixes to plan.</summary>
    public required int Count { get; init; }

    /// <summary>Pairs whose caption similarity exceeds this are skipped as near-duplicates (research note τ_hi ≈ 0.8).</summary>
    public double SimilarityThreshold { get; init; } = 0.8;

    /// <summary>How similarity is measured.</summary>
    public SimilarityMeasure Similarity { get; init; } = SimilarityMeasure.TfIdfCosine;

    /// <summary>When true, two items that share a label are never paired (the AudioSep "male speech + male speech" ambiguity).</summary>
    public bool LabelDisjoint { get; init; }

    /// <summary>The most mixes any one item may appear in.</summary>
    public int MaxUsesPerItem { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (Count < 1)
        {
            throw new ArgumentException($"count must be at least 1 (got {Count}).", nameof(Count));
        }

        if (!(SimilarityThreshold is >= 0 and <= 1))
        {
            throw new ArgumentException($"similarity threshold must be in [0, 1] (got {SimilarityThreshold}).", nameof(SimilarityThreshold));
        }

        if (MaxUsesPerItem < 1)
        {
            throw new ArgumentException($"maxUses must be at least 1 (got {MaxUsesPerItem}).", nameof(MaxUsesPerItem));
        }
    }
}

/// <summary>One planned mix: two distinct items, in mixing order, and their caption similarity.</summary>
/// <param name="First">Index of the first item (the reference clip of the mix).</param>
/// <param name="Second">Index of the second item.</param>
/// <param name="Similarity">Their caption similarity (recorded so the choice can be audited).</param>
/// <param name="Seed">The seed of this mix's own random draws (gains, offsets).</param>
public sealed record CaptionMixPair(int First, int Second, double Similarity, long Seed);

/// <summary>
/// Chooses caption-mix pairs: random (as Wu et al. 2023 and AudioGen do) but never an item with itself,
/// never the same unordered pair twice, skipping near-duplicate captions, optionally label-disjoint, and
/// with each item used a bounded number of times. Deterministic given the seed.
/// </summary>
public static class CaptionMixPlanner
{
    // Below this many candidate pairs every pair is scored and shuffled (exact); above it pairs are sampled.
    private const long ExhaustivePairLimit = 2_000_000;

    /// <summary>Plans <see cref="CaptionMixPlanOptions.Count"/> pairs or throws <see cref="ArgumentException"/> saying why the dataset cannot supply them.</summary>
    public static IReadOnlyList<CaptionMixPair> Plan(IReadOnlyList<CaptionedClip> clips, CaptionMixPlanOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var n = clips.Count;
        if (n < 2)
        {
            throw new ArgumentException($"Caption mixing needs at least two captioned items; the dataset has {n}.", nameof(clips));
        }

        var capacity = Capacity(n, options.MaxUsesPerItem);
        if (options.Count > capacity)
        {
            throw new ArgumentException(
                $"count {options.Count} is more than {n} items can supply with maxUses {options.MaxUsesPerItem} (at most {capacity} mixes); lower count or raise maxUses.",
                nameof(clips));
        }

        var similarity = new CaptionSimilarity(clips.Select(c => c.Caption).ToArray(), options.Similarity);
        var labels = clips.Select(c => c.Labels is { Count: > 0 } l ? l.Select(x => x.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal) : null).ToArray();
        var random = DeterministicRandom.ForUnit(seed, 0, stream: 0xCA9710);
        var uses = new int[n];
        var taken = new HashSet<(int, int)>();
        var pairs = new List<CaptionMixPair>(options.Count);
        var rejectedSimilar = 0;
        var rejectedLabels = 0;

        bool Eligible(int i, int j, out double sim)
        {
            sim = 0;
            if (options.LabelDisjoint && labels[i] is { } a && labels[j] is { } b && a.Overlaps(b))
            {
                rejectedLabels++;
                return false;
            }

            sim = similarity.Between(i, j);
            if (sim > options.SimilarityThreshold)
            {
                rejectedSimilar++;
                return false;
            }

            return true;
        }

        void Take(int i, int j, double sim)
        {
            taken.Add((Math.Min(i, j), Math.Max(i, j)));
            uses[i]++;
            uses[j]++;
            // Which clip is "first" is itself random (it decides whose level is the reference).
            var (first, second) = random.NextInt(2) == 0 ? (i, j) : (j, i);
            pairs.Add(new CaptionMixPair(first, second, sim, (long)(random.NextUInt64() >> 1)));
        }

        if ((long)n * (n - 1) / 2 <= ExhaustivePairLimit)
        {
            var candidates = new List<(int I, int J, double Sim)>();
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    if (Eligible(i, j, out var sim))
                    {
                        candidates.Add((i, j, sim));
                    }
                }
            }

            Shuffle(candidates, random);
            // Least-used items first keeps the use counts even, so fewer pairs are stranded at the end.
            foreach (var round in Enumerable.Range(0, options.MaxUsesPerItem))
            {
                foreach (var (i, j, sim) in candidates)
                {
                    if (pairs.Count == options.Count)
                    {
                        break;
                    }

                    if (uses[i] <= round && uses[j] <= round && uses[i] < options.MaxUsesPerItem && uses[j] < options.MaxUsesPerItem && !taken.Contains((i, j)))
                    {
                        Take(i, j, sim);
                    }
                }
            }

            if (pairs.Count < options.Count)
            {
                throw new ArgumentException(
                    $"Only {pairs.Count} of {options.Count} mixes could be formed from {n} items: {candidates.Count} pairs are eligible " +
                    $"({rejectedSimilar} skipped as near-duplicates above similarity {options.SimilarityThreshold}, {rejectedLabels} for shared labels) " +
                    $"and each item may be used {options.MaxUsesPerItem} times. Lower count, raise maxUses or the similarity threshold, or turn off labelDisjoint.",
                    nameof(clips));
            }

            return pairs;
        }

        // Large datasets: sample partners at random under the same rules, with a bounded number of attempts.
        var budget = Math.Max(10_000L, options.Count * 200L);
        for (long attempt = 0; attempt < budget && pairs.Count < options.Count; attempt++)
        {
            var i = random.NextInt(n);
            var j = random.NextInt(n);
            if (i == j || uses[i] >= options.MaxUsesPerItem || uses[j] >= options.MaxUsesPerItem || taken.Contains((Math.Min(i, j), Math.Max(i, j))))
            {
                continue;
            }

            if (Eligible(i, j, out var sim))
            {
                Take(i, j, sim);
            }
        }

        if (pairs.Count < options.Count)
        {
            throw new ArgumentException(
                $"Only {pairs.Count} of {options.Count} mixes could be formed from {n} items after {budget} sampled pairs " +
                $"({rejectedSimilar} near-duplicates above similarity {options.SimilarityThreshold}, {rejectedLabels} with shared labels). " +
                "Lower count, raise maxUses or the similarity threshold, or turn off labelDisjoint.",
                nameof(clips));
        }

        return pairs;
    }

    /// <summary>
    /// The most mixes <paramref name="captionedItems"/> items can supply: each item in at most <paramref name="maxUsesPerItem"/>
    /// mixes, no pair twice (<see cref="PairingCapacity"/>). Near-duplicate and label rules can only lower it.
    /// </summary>
    public static long Capacity(int captionedItems, int maxUsesPerItem) => PairingCapacity.Of(captionedItems, maxUsesPerItem, distinctPairs: true);

    private static void Shuffle<T>(List<T> list, DeterministicRandom random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var k = random.NextInt(i + 1);
            (list[i], list[k]) = (list[k], list[i]);
        }
    }
}
