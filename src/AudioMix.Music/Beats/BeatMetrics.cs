namespace AudioMix.Music.Beats;

/// <summary>Continuity scores (Hainsworth 2004; Klapuri et al. 2006) as computed by mir_eval.beat.continuity.</summary>
/// <param name="CmlC">Longest continuous correct run at the annotated metrical level, as a fraction.</param>
/// <param name="CmlT">Total fraction correct at the annotated level.</param>
/// <param name="AmlC">CMLc allowing off-beat, double and half tempo variations.</param>
/// <param name="AmlT">CMLt allowing the same variations.</param>
public readonly record struct ContinuityScores(double CmlC, double CmlT, double AmlC, double AmlT);

/// <summary>
/// Beat and tempo evaluation with the conventions of mir_eval 0.7 (<c>mir_eval.beat</c>; Davies, Degara &amp; Plumbley
/// 2009, "Evaluation methods for musical audio beat tracking algorithms"). The metric functions do not skip anything
/// themselves; call <see cref="TrimBeats"/> first, as <c>mir_eval.beat.evaluate</c> does (first 5 s removed).
/// </summary>
public static class BeatMetrics
{
    /// <summary>Beats at or after <paramref name="minBeatTime"/> seconds (mir_eval <c>trim_beats</c>).</summary>
    public static double[] TrimBeats(IEnumerable<double> beats, double minBeatTime = 5.0)
    {
        ArgumentNullException.ThrowIfNull(beats);
        return [.. beats.Where(b => b >= minBeatTime)];
    }

    /// <summary>
    /// F-measure of a one-to-one matching in which a pair counts when |ref − est| ≤ <paramref name="window"/>
    /// (maximum bipartite matching, as mir_eval.util.match_events). 0 when either sequence is empty.
    /// </summary>
    public static double FMeasure(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double window = 0.07)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        if (reference.Count == 0 || estimate.Count == 0)
        {
            return 0;
        }

        var matches = MatchCount(reference, estimate, window);
        var precision = (double)matches / estimate.Count;
        var recall = (double)matches / reference.Count;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /// <summary>Size of the maximum one-to-one matching within ±<paramref name="window"/> (Kuhn's augmenting paths).</summary>
    public static int MatchCount(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double window)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        var candidates = new List<int>[reference.Count];
        for (var r = 0; r < reference.Count; r++)
        {
            candidates[r] = [];
            for (var e = 0; e < estimate.Count; e++)
            {
                if (Math.Abs(reference[r] - estimate[e]) <= window)
                {
                    candidates[r].Add(e);
                }
            }
        }

        var owner = Enumerable.Repeat(-1, estimate.Count).ToArray();
        var count = 0;
        for (var r = 0; r < reference.Count; r++)
        {
            if (Augment(r, candidates, owner, new bool[estimate.Count]))
            {
                count++;
            }
        }

        return count;
    }

    private static bool Augment(int r, List<int>[] candidates, int[] owner, bool[] seen)
    {
        foreach (var e in candidates[r])
        {
            if (seen[e])
            {
                continue;
            }

            seen[e] = true;
            if (owner[e] < 0 || Augment(owner[e], candidates, owner, seen))
            {
                owner[e] = r;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Cemgil et al. (2001) accuracy: Σ over reference beats of exp(−d²/2σ²), d = distance to the nearest estimate,
    /// divided by the mean sequence length (mir_eval's plain score, not the max over variations).
    /// </summary>
    public static double Cemgil(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double sigma = 0.04)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        if (reference.Count == 0 || estimate.Count == 0)
        {
            return 0;
        }

        double acc = 0;
        foreach (var r in reference)
        {
            var d = estimate.Min(e => Math.Abs(e - r));
            acc += Math.Exp(-(d * d) / (2 * sigma * sigma));
        }

        return acc / (0.5 * (reference.Count + estimate.Count));
    }

    /// <summary>
    /// mir_eval.beat.p_score (McKinney et al. 2007): both sequences quantised to 10 ms impulse trains, cross-correlated
    /// within ±round(0.2 · median reference IBI), normalised by the longer sequence.
    /// </summary>
    public static double PScore(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double threshold = 0.2)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        if (reference.Count == 0 || estimate.Count == 0)
        {
            return 0;
        }

        const int rate = 100;
        var offset = Math.Min(reference.Min(), estimate.Min());
        var refIdx = reference.Select(b => (int)Math.Ceiling((b - offset) * rate)).Distinct().Order().ToArray();
        var estIdx = estimate.Select(b => (int)Math.Ceiling((b - offset) * rate)).Distinct().Order().ToArray();
        if (refIdx.Length < 2)
        {
            return 0;
        }

        var ibi = new double[refIdx.Length - 1];
        for (var i = 0; i < ibi.Length; i++)
        {
            ibi[i] = refIdx[i + 1] - refIdx[i];
        }

        var win = (int)Math.Round(threshold * DpBeatTracker.Median(ibi), MidpointRounding.ToEven);
        long hits = 0;
        foreach (var r in refIdx)
        {
            foreach (var e in estIdx)
            {
                if (Math.Abs(r - e) <= win)
                {
                    hits++;
                }
            }
        }

        return (double)hits / Math.Max(reference.Count, estimate.Count);
    }

    /// <summary>
    /// mir_eval.beat.continuity with phase and period tolerances of 17.5 %: AML variations are the annotation itself,
    /// the off-beat, double tempo, and half tempo on odd and even beats (no triple variants).
    /// </summary>
    public static ContinuityScores Continuity(
        IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double phaseThreshold = 0.175, double periodThreshold = 0.175)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        if (reference.Count == 0 || estimate.Count == 0)
        {
            return default;
        }

        var variations = Variations(reference);
        var continuous = new double[variations.Length];
        var total = new double[variations.Length];
        for (var v = 0; v < variations.Length; v++)
        {
            (continuous[v], total[v]) = ContinuityOne(variations[v], estimate, phaseThreshold, periodThreshold);
        }

        return new ContinuityScores(continuous[0], total[0], continuous.Max(), total.Max());
    }

    private static double[][] Variations(IReadOnlyList<double> reference)
    {
        var n = reference.Count;
        // np.interp at indices 0, 0.5, …, n−1: the beats and the midpoints between them.
        var doubled = new double[(2 * n) - 1];
        for (var i = 0; i < doubled.Length; i++)
        {
            doubled[i] = i % 2 == 0 ? reference[i / 2] : 0.5 * (reference[i / 2] + reference[(i / 2) + 1]);
        }

        var original = reference.ToArray();
        var offbeat = doubled.Where((_, i) => i % 2 == 1).ToArray();
        var halfOdd = original.Where((_, i) => i % 2 == 0).ToArray();
        var halfEven = original.Where((_, i) => i % 2 == 1).ToArray();
        return [original, offbeat, doubled, halfOdd, halfEven];
    }

    private static (double Continuous, double Total) ContinuityOne(
        double[] reference, IReadOnlyList<double> estimate, double phaseThreshold, double periodThreshold)
    {
        if (reference.Length == 0)
        {
            return (0, 0);
        }

        var nAnnotations = Math.Max(reference.Length, estimate.Count);
        var used = new bool[reference.Length];
        var success = new bool[nAnnotations];
        for (var m = 0; m < estimate.Count; m++)
        {
            var nearest = 0;
            for (var j = 1; j < reference.Length; j++)
            {
                if (Math.Abs(estimate[m] - reference[j]) < Math.Abs(estimate[m] - reference[nearest]))
                {
                    nearest = j;
                }
            }

            if (used[nearest])
            {
                continue;
            }

            var minDifference = Math.Abs(estimate[m] - reference[nearest]);
            double referenceInterval;
            double estimatedInterval;
            if (m == 0 || nearest == 0)
            {
                // First beat or first annotation: look forward (mir_eval), falling back to the previous interval.
                if (nearest + 1 < reference.Length)
                {
                    referenceInterval = reference[nearest + 1] - reference[nearest];
                }
                else if (nearest > 0)
                {
                    referenceInterval = reference[nearest] - reference[nearest - 1];
                }
                else
                {
                    continue;
                }

                if (m + 1 < estimate.Count)
                {
                    estimatedInterval = estimate[m + 1] - estimate[m];
                }
                else if (m > 0)
                {
                    estimatedInterval = estimate[m] - estimate[m - 1];
                }
                else
                {
                    continue;
                }
            }
            else
            {
                referenceInterval = reference[nearest] - reference[nearest - 1];
                estimatedInterval = estimate[m] - estimate[m - 1];
            }

            if (referenceInterval == 0)
            {
                continue;
            }

            var phase = Math.Abs(minDifference / referenceInterval);
            var period = Math.Abs(1 - (estimatedInterval / referenceInterval));
            if (phase < phaseThreshold && period < periodThreshold)
            {
                used[nearest] = true;
                success[m] = true;
            }
        }

        var longest = 0;
        var run = 0;
        var correct = 0;
        foreach (var s in success)
        {
            run = s ? run + 1 : 0;
            longest = Math.Max(longest, run);
            correct += s ? 1 : 0;
        }

        return ((double)longest / nAnnotations, (double)correct / nAnnotations);
    }

    /// <summary>Acc1 (Gouyon et al. 2006): the estimate is within ±<paramref name="tolerance"/> (relative) of the reference.</summary>
    public static bool TempoAcc1(double reference, double estimate, double tolerance = 0.04) =>
        reference > 0 && Math.Abs(estimate - reference) <= tolerance * reference;

    /// <summary>Acc2: Acc1 against the reference or its ×2, ×½, ×3 and ×⅓ multiples.</summary>
    public static bool TempoAcc2(double reference, double estimate, double tolerance = 0.04) =>
        new[] { 1.0, 2.0, 0.5, 3.0, 1.0 / 3.0 }.Any(f => TempoAcc1(reference * f, estimate, tolerance));

    /// <summary>
    /// mir_eval.beat.information_gain (Davies, Degara &amp; Plumbley 2011): each estimated beat's error relative to the
    /// nearest reference beat, in units of the local reference inter-beat interval and wrapped into [−½, ½), is binned
    /// into a <paramref name="bins"/>-bin histogram whose first and last bins are merged; the score is
    /// (log2 K − H) / log2 K for the larger entropy H of the two directions (K = the merged bin count), so 1 means the two
    /// sequences' errors are perfectly consistent (including a constant half-beat offset) and 0 means uniformly random.
    /// </summary>
    public static double InformationGain(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, int bins = 41)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(estimate);
        if (reference.Count < 2 || estimate.Count < 2)
        {
            return 0;
        }

        var k = bins - 1;
        var norm = Math.Log2(k);
        var entropy = Math.Max(ErrorEntropy(reference, estimate, k), ErrorEntropy(estimate, reference, k));
        return (norm - entropy) / norm;
    }

    private static double ErrorEntropy(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, int k)
    {
        var histogram = new double[k];
        var j = 0;
        foreach (var e in estimate)
        {
            while (j + 1 < reference.Count && Math.Abs(reference[j + 1] - e) <= Math.Abs(reference[j] - e))
            {
                j++;
            }

            var error = e - reference[j];
            var interval = j == 0 ? reference[1] - reference[0]
                : j == reference.Count - 1 ? reference[^1] - reference[^2]
                : error < 0 ? reference[j] - reference[j - 1] : reference[j + 1] - reference[j];
            var normalised = interval > 0 ? error / interval : 0;
            normalised -= Math.Floor(normalised + 0.5);                      // wrap into [−½, ½)
            // Bin centred on 0 (merged first/last bin of mir_eval's K+1 bins); K bins of width 1/K.
            var bin = (int)Math.Floor((normalised * k) + 0.5);
            histogram[((bin % k) + k) % k]++;
        }

        double h = 0;
        foreach (var count in histogram)
        {
            if (count > 0)
            {
                var p = count / estimate.Count;
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }
}
