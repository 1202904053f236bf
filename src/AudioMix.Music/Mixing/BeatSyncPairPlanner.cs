using AudioMix.Audio.Augmentation;

namespace AudioMix.Music.Mixing;

/// <summary>What the planner needs to know of one analysed track.</summary>
/// <param name="Tempo">Beats per minute (median inter-beat interval).</param>
/// <param name="Meter">Beats per bar (3 or 4).</param>
/// <param name="BeatCount">Beats the tracker found.</param>
/// <param name="Confidence">Tracker confidence in [0, 1].</param>
public sealed record TrackTempo(double Tempo, int Meter, int BeatCount, double Confidence);

/// <summary>Pairing rules for beat-synchronous mixup (MusicLDM, with the tolerances of beats-mixup §1.8).</summary>
public sealed record BeatSyncPairOptions
{
    /// <summary>Largest relative tempo mismatch that stretching may fix (default 6 %).</summary>
    public double Tolerance { get; init; } = 0.06;

    /// <summary>Mismatch small enough to mix without stretching (default 0.3 %: 31 ms of drift over 10 s).</summary>
    public double NoStretchTolerance { get; init; } = 0.003;

    /// <summary>Also pair tracks whose tempi are in 1:2 or 2:1 (half/double time).</summary>
    public bool OctaveFolding { get; init; } = true;

    /// <summary>Only pair tracks with the same meter.</summary>
    public bool RequireMeterMatch { get; init; }

    /// <summary>How many pairs one track may take part in (as anchor or partner).</summary>
    public int MaxUsesPerItem { get; init; } = 4;

    /// <summary>Tracks with fewer beats are not used (too short to align).</summary>
    public int MinBeats { get; init; } = 8;

    /// <summary>
    /// Tracks whose beat-tracking confidence (<see cref="Beats.BeatAnalysis.Confidence"/>, the detection-function committee's
    /// agreement) is below this are not paired. Default <see cref="DefaultMinConfidence"/>: on the development material,
    /// tracks below it were tracked at the wrong tempo or phase (beat F ≤ 0.4) and would be mixed off the beat.
    /// </summary>
    public double MinConfidence { get; init; } = DefaultMinConfidence;

    /// <summary>The default <see cref="MinConfidence"/>.</summary>
    public const double DefaultMinConfidence = 0.3;

    /// <summary>λ ~ Beta(α, α); MusicLDM uses 5.</summary>
    public double Alpha { get; init; } = 5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad parameter.</summary>
    public void Validate()
    {
        if (!(Tolerance >= 0 && Tolerance <= 0.15))
        {
            throw new ArgumentException($"tolerance must be between 0 and 0.15 (got {Tolerance}).");
        }

        if (!(NoStretchTolerance >= 0 && NoStretchTolerance <= Tolerance))
        {
            throw new ArgumentException($"noStretchTolerance must be between 0 and tolerance ({Tolerance}) (got {NoStretchTolerance}).");
        }

        if (!(MinConfidence >= 0 && MinConfidence <= 1))
        {
            throw new ArgumentException($"minConfidence must be between 0 and 1 (got {MinConfidence}).");
        }

        if (MaxUsesPerItem < 1)
        {
            throw new ArgumentException($"maxUsesPerItem must be at least 1 (got {MaxUsesPerItem}).");
        }

        if (!(Alpha > 0) || double.IsInfinity(Alpha))
        {
            throw new ArgumentException($"alpha must be positive (got {Alpha}).");
        }
    }
}

/// <summary>One planned beat-synchronous mix.</summary>
/// <param name="Anchor">Index of the anchor track (its tempo is kept).</param>
/// <param name="Partner">Index of the partner track (stretched to the anchor's tempo).</param>
/// <param name="OctaveFactor">1, 2 or 0.5: the partner's tempo is compared as Tempo × OctaveFactor.</param>
/// <param name="Mismatch">|anchor tempo / folded partner tempo − 1| before stretching.</param>
/// <param name="StretchRatio">Partner duration multiplier (output/input); 1 when within the no-stretch tolerance.</param>
/// <param name="Lambda">The anchor's weight.</param>
public sealed record BeatSyncPair(int Anchor, int Partner, double OctaveFactor, double Mismatch, double StretchRatio, double Lambda);

/// <summary>
/// Pairs tracks whose tempi agree after octave folding, deterministically from a seed: anchors cycle
/// through seeded permutations of the usable tracks, partners are drawn uniformly among compatible
/// tracks that still have uses left, and each track takes part in at most a bounded number of pairs.
/// </summary>
public static class BeatSyncPairPlanner
{
    /// <summary>Plans up to <paramref name="count"/> pairs; fewer when the tracks run out of compatible partners.</summary>
    public static IReadOnlyList<BeatSyncPair> Plan(IReadOnlyList<TrackTempo> tracks, int count, long seed, BeatSyncPairOptions options)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options.Validate();

        var usable = Enumerable.Range(0, tracks.Count)
            .Where(i => tracks[i].Tempo > 0 && double.IsFinite(tracks[i].Tempo) && tracks[i].BeatCount >= options.MinBeats && tracks[i].Confidence >= options.MinConfidence)
            .ToArray();
        var uses = new int[tracks.Count];
        var rng = new DeterministicRandom(unchecked((ulong)seed));
        var pairs = new List<BeatSyncPair>(count);
        var order = (int[])usable.Clone();
        var position = order.Length;
        var failedInARow = 0;
        while (pairs.Count < count && failedInARow < order.Length && order.Length > 1)
        {
            if (position >= order.Length)
            {
                Shuffle(order, rng);
                position = 0;
            }

            var anchor = order[position++];
            var candidates = uses[anchor] >= options.MaxUsesPerItem
                ? []
                : usable.Where(p => p != anchor && uses[p] < options.MaxUsesPerItem)
                    .Select(p => (Partner: p, Match: Match(tracks[anchor], tracks[p], options)))
                    .Where(c => c.Match is not null)
                    .ToArray();
            if (candidates.Length == 0)
            {
                failedInARow++;
                continue;
            }

            failedInARow = 0;
            var (partner, match) = candidates[rng.NextInt(candidates.Length)];
            var lambda = DeterministicRandom.ForUnit(seed, pairs.Count, stream: 1).NextBeta(options.Alpha, options.Alpha);
            var (factor, mismatch) = match!.Value;
            var stretch = mismatch <= options.NoStretchTolerance ? 1.0 : tracks[partner].Tempo * factor / tracks[anchor].Tempo;
            pairs.Add(new BeatSyncPair(anchor, partner, factor, mismatch, stretch, lambda));
            uses[anchor]++;
            uses[partner]++;
        }

        return pairs;
    }

    /// <summary>
    /// The most pairs <paramref name="usableTracks"/> tracks can form: each in at most <paramref name="maxUsesPerItem"/> pairs
    /// (<see cref="PairingCapacity"/>; a pair may repeat). Tempo compatibility can only lower it.
    /// </summary>
    public static long Capacity(int usableTracks, int maxUsesPerItem) => PairingCapacity.Of(usableTracks, maxUsesPerItem, distinctPairs: false);

    /// <summary>The best octave factor and its mismatch, or null when the two cannot be paired.</summary>
    public static (double Factor, double Mismatch)? Match(TrackTempo anchor, TrackTempo partner, BeatSyncPairOptions options)
    {
        if (options.RequireMeterMatch && anchor.Meter != partner.Meter)
        {
            return null;
        }

        double[] factors = options.OctaveFolding ? [1.0, 2.0, 0.5] : [1.0];
        var best = factors
            .Select(f => (Factor: f, Mismatch: Math.Abs(anchor.Tempo / (partner.Tempo * f) - 1)))
            .MinBy(c => c.Mismatch);
        return best.Mismatch <= options.Tolerance ? best : null;
    }

    private static void Shuffle(int[] values, DeterministicRandom rng)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
