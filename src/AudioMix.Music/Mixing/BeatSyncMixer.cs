using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Dsp.TimeStretch;
using AudioMix.Music.Beats;

namespace AudioMix.Music.Mixing;

/// <summary>How a beat-synchronous mix is cut, aligned, levelled and how long it is (beats-mixup §1.8).</summary>
public sealed record BeatSyncMixOptions
{
    /// <summary>Output length in seconds; null (with <see cref="LengthBars"/> null) takes all the material both tracks share.</summary>
    public double? LengthSeconds { get; init; }

    /// <summary>Output length in bars of the anchor (its meter, 4 when unknown); exclusive with <see cref="LengthSeconds"/>.</summary>
    public int? LengthBars { get; init; }

    /// <summary>Both sources are brought to this integrated loudness before mixing; null matches the partner to the anchor.</summary>
    public double? TargetLufs { get; init; }

    /// <summary>The mix is scaled down (never up) so its sample peak stays at or below this (linear).</summary>
    public float PeakCeiling { get; init; } = 0.99f;

    /// <summary>Time-stretch algorithm for the partner.</summary>
    public TimeStretchMethod StretchMethod { get; init; } = TimeStretchMethod.PhaseVocoder;

    /// <summary>
    /// Shift the partner's cut so that its whole tracked beat grid (not only the chosen downbeat) lies on the anchor's:
    /// the median offset of nearby beat pairs over the output is removed (one downbeat carries the tracker's single-beat
    /// error; the median over all beats in the window does not); for stretched pairs the ratio is also fitted to those
    /// beats (tempo drift makes a window's tempo differ from the track's median).
    /// </summary>
    public bool RefineGrid { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad parameter.</summary>
    public void Validate()
    {
        if (LengthSeconds is not null && LengthBars is not null)
        {
            throw new ArgumentException("length and bars are exclusive: give the output length in seconds or in bars, not both.");
        }

        if (LengthSeconds is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentException($"length must be a positive number of seconds (got {s}).");
        }

        if (LengthBars is < 1)
        {
            throw new ArgumentException($"bars must be at least 1 (got {LengthBars}).");
        }

        new MixupOptions { TargetLufs = TargetLufs, PeakCeiling = PeakCeiling }.Validate();
    }
}

/// <summary>Where both tracks are cut and how the partner is stretched and shifted; computed from the analyses alone.</summary>
/// <param name="AnchorTempo">The anchor's tempo (BPM), kept in the output.</param>
/// <param name="PartnerTempo">The partner's tempo (BPM) before stretching.</param>
/// <param name="OctaveFactor">1, 2 or 0.5: the partner's tempo was compared as PartnerTempo × OctaveFactor.</param>
/// <param name="StretchRatio">
/// Partner duration multiplier (output / input) actually applied: the pair's ratio, refined to the beats inside the mixed
/// windows when <see cref="BeatSyncMixOptions.RefineGrid"/> is on and the pair is stretched at all.
/// </param>
/// <param name="AnchorDownbeat">The anchor's cut, seconds into the anchor (a tracked downbeat).</param>
/// <param name="PartnerDownbeat">The partner's chosen downbeat, seconds into the partner (before grid refinement).</param>
/// <param name="PartnerCut">Where the partner is actually cut, seconds into the partner: the downbeat plus the grid refinement.</param>
/// <param name="GridShiftSeconds">The refinement in output time (the partner's grid was this much late before the shift).</param>
/// <param name="Length">Output length, seconds (never past either track's material).</param>
/// <param name="GridOffsetSeconds">Median |offset| between the two predicted beat grids over the output after alignment; NaN when they share no beats.</param>
/// <param name="AnchorBeats">The anchor's tracked beats in output time (seconds from the cut, inside the output).</param>
/// <param name="PartnerBeats">The partner's tracked beats in output time after stretching and shifting.</param>
public sealed record BeatSyncCut(
    double AnchorTempo,
    double PartnerTempo,
    double OctaveFactor,
    double StretchRatio,
    double AnchorDownbeat,
    double PartnerDownbeat,
    double PartnerCut,
    double GridShiftSeconds,
    double Length,
    double GridOffsetSeconds,
    double[] AnchorBeats,
    double[] PartnerBeats);

/// <summary>The two tracks cut, stretched and aligned, unmixed and not levelled (the pair a latent-space trainer mixes).</summary>
/// <param name="Anchor">The anchor from its cut, at the output length.</param>
/// <param name="Partner">The partner from its cut, stretched to the anchor's tempo, resampled and channel-matched to the anchor, same length.</param>
/// <param name="Cut">Where and how.</param>
/// <param name="PartnerResampleRatio">Anchor rate / partner rate (1 when they matched).</param>
public sealed record BeatSyncAlignment(AudioBuffer Anchor, AudioBuffer Partner, BeatSyncCut Cut, double PartnerResampleRatio);

/// <summary>A beat-synchronous mix and every fact needed to reproduce it.</summary>
/// <param name="Audio">λ·anchor + (1 − λ)·partner after loudness matching and the peak guard.</param>
/// <param name="Alignment">The aligned sources and the cut.</param>
/// <param name="Lambda">The anchor's weight.</param>
/// <param name="AnchorGainDb">Loudness gain applied to the anchor before weighting.</param>
/// <param name="PartnerGainDb">Loudness gain applied to the partner before weighting.</param>
/// <param name="PeakGuardDb">Gain applied to the whole mix to respect the peak ceiling (≤ 0).</param>
public sealed record BeatSyncMixResult(AudioBuffer Audio, BeatSyncAlignment Alignment, double Lambda, double AnchorGainDb, double PartnerGainDb, double PeakGuardDb);

/// <summary>An analysed track: its beats and its duration in seconds.</summary>
public sealed record AnalysedTrack(BeatAnalysis Analysis, double Duration);

/// <summary>One planned beat-synchronous mix: which tracks, with which λ and stretch, and where both are cut.</summary>
public sealed record BeatSyncMixPlan(BeatSyncPair Pair, BeatSyncCut Cut);

/// <summary>
/// Beat-synchronous audio mixup (MusicLDM's BAM, with the improvements of beats-mixup §1.8): both tracks are cut at a
/// downbeat chosen at random among those (bar the last) that leave enough material, the partner is time-stretched to the
/// anchor's tempo by the planner's ratio (octave folding included), its cut is refined so the two tracked beat grids
/// coincide over the output, both are loudness-matched (BS.1770) and mixed with weights λ and 1 − λ under a peak guard.
/// The inputs are never modified; the result depends only on the inputs, the pair and the random stream.
/// </summary>
public static class BeatSyncMixer
{
    // Extra input read before the partner's cut and after its end so the stretcher's edge fades fall outside the output.
    private const double StretchMarginSeconds = 0.1;

    // How far the ratio fitted to the mixed beats may move from the planner's (tempo-median) ratio: room for a few percent
    // of tempo drift within a track, not for re-pairing tempi the planner would have refused.
    private const double MaxLocalRatioChange = 0.03;

    /// <summary>
    /// Pairs tempo-compatible tracks (<see cref="BeatSyncPairPlanner"/>) and plans every pair's cut, each from its own
    /// random stream (seed, unit), so a mix does not depend on which other mixes exist.
    /// </summary>
    public static IReadOnlyList<BeatSyncMixPlan> PlanMixes(
        IReadOnlyList<AnalysedTrack> tracks, int count, long seed, BeatSyncPairOptions pairOptions, BeatSyncMixOptions mixOptions)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var tempi = tracks.Select(t => new TrackTempo(t.Analysis.Tempo, t.Analysis.Meter, t.Analysis.Beats.Length, t.Analysis.Confidence)).ToArray();
        var pairs = BeatSyncPairPlanner.Plan(tempi, count, seed, pairOptions);
        return pairs.Select((pair, unit) =>
        {
            var (anchor, partner) = (tracks[pair.Anchor], tracks[pair.Partner]);
            var cut = PlanCut(anchor.Analysis, anchor.Duration, partner.Analysis, partner.Duration, pair, DeterministicRandom.ForUnit(seed, unit, stream: 2), mixOptions);
            return new BeatSyncMixPlan(pair, cut);
        }).ToArray();
    }

    /// <summary>Chooses the downbeats, the output length and the grid refinement from the two analyses.</summary>
    /// <param name="anchor">The anchor's analysis.</param>
    /// <param name="anchorDuration">The anchor's duration, seconds.</param>
    /// <param name="partner">The partner's analysis.</param>
    /// <param name="partnerDuration">The partner's duration, seconds.</param>
    /// <param name="pair">The planned pair (octave factor and stretch ratio are taken from it).</param>
    /// <param name="random">Draws the two downbeats.</param>
    /// <param name="options">Length and refinement.</param>
    /// <exception cref="ArgumentException">A track has fewer than two beats, or the stretch ratio is out of range.</exception>
    public static BeatSyncCut PlanCut(
        BeatAnalysis anchor, double anchorDuration, BeatAnalysis partner, double partnerDuration, BeatSyncPair pair, DeterministicRandom random, BeatSyncMixOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var r = pair.StretchRatio;
        if (!double.IsFinite(r) || r < TimeStretcher.MinRatio || r > TimeStretcher.MaxRatio)
        {
            throw new ArgumentException($"The pair's stretch ratio {r} is outside {TimeStretcher.MinRatio}..{TimeStretcher.MaxRatio}.", nameof(pair));
        }

        var meter = anchor.Meter is 3 or 4 ? anchor.Meter : 4;
        double? wanted = options.LengthSeconds ?? (options.LengthBars is { } bars && anchor.Tempo > 0 ? bars * meter * 60.0 / anchor.Tempo : null);

        var da = ChooseCut(CutCandidates(anchor, nameof(anchor)), t => anchorDuration - t, wanted, random);
        var db = ChooseCut(CutCandidates(partner, nameof(partner)), t => (partnerDuration - t) * r, wanted, random);

        var limit = Math.Min(wanted ?? double.MaxValue, Math.Min(anchorDuration - da, (partnerDuration - db) * r));
        var anchorGrid = Window(anchor.Beats.Select(b => b - da), limit);
        var partnerGrid = Window(partner.Beats.Select(b => (b - db) * r), limit);

        // The median offset of beat pairs closer than a quarter of the faster beat period: octave-folded grids share only
        // every other beat, and the threshold leaves the unshared ones out.
        var shift = options.RefineGrid ? MedianOffset(anchorGrid, partnerGrid, out _) : 0;
        if (double.IsNaN(shift))
        {
            shift = 0;
        }

        var partnerCut = db + (shift / r);

        // Tempo drifts (rubato, a DAW tempo ramp) make the tempo inside the window differ from the track's median, and
        // one ratio for the whole track lets the grids walk apart. Fit the ratio to the beats actually mixed instead: a
        // least-squares line through the matched (partner beat, anchor beat) pairs, then the median residual re-centred.
        // Only when the planner asked for a stretch (within the no-stretch tolerance the spec keeps the partner as is), and
        // never far from the planner's ratio: beyond that a fit follows mismatched beats rather than drift.
        if (options.RefineGrid && r != 1 && FitLocalRatio(anchorGrid, partner.Beats, partnerCut, r) is { } fit
            && Math.Abs((fit.Ratio / r) - 1) <= MaxLocalRatioChange)
        {
            r = fit.Ratio;
            partnerCut = fit.Cut;
            var recentre = MedianOffset(anchorGrid, Window(partner.Beats.Select(b => (b - partnerCut) * r), limit), out _);
            partnerCut += double.IsNaN(recentre) ? 0 : recentre / r;
            shift = (partnerCut - db) * r;
        }

        var length = Math.Min(wanted ?? double.MaxValue, Math.Min(anchorDuration - da, (partnerDuration - partnerCut) * r));
        length = Math.Max(0, length);
        anchorGrid = Window(anchorGrid, length);
        partnerGrid = Window(partner.Beats.Select(b => (b - partnerCut) * r), length);
        MedianOffset(anchorGrid, partnerGrid, out var residual);
        return new BeatSyncCut(
            anchor.Tempo, partner.Tempo, pair.OctaveFactor, r, da, db, partnerCut, shift, length, residual, anchorGrid, partnerGrid);
    }

    /// <summary>Cuts both tracks, stretches the partner and returns the aligned, equal-length pair (inputs untouched).</summary>
    /// <exception cref="ArgumentException">The channel layouts cannot be matched (e.g. stereo onto 5.1).</exception>
    public static BeatSyncAlignment Align(AudioBuffer anchor, AudioBuffer partner, BeatSyncCut cut, BeatSyncMixOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(cut);
        ArgumentNullException.ThrowIfNull(options);
        var rate = anchor.SampleRate;
        var resampleRatio = 1.0;
        if (partner.SampleRate != rate)
        {
            resampleRatio = (double)rate / partner.SampleRate;
            partner = Resampler.Resample(partner, rate);
        }

        partner = Mixup.MatchChannels(partner, anchor.ChannelCount);
        var frames = (int)Math.Floor(cut.Length * rate);
        var anchorStart = (int)Math.Round(cut.AnchorDownbeat * rate);
        frames = Math.Max(0, Math.Min(frames, anchor.Frames - anchorStart));
        var anchorPart = anchor.Slice(anchorStart, frames);

        // The partner segment (with a pre-roll and a tail margin) is stretched as one piece; the pre-roll, stretched, is
        // dropped again so the cut lands exactly at output time 0. A cut before the partner's start is zero-padded.
        var r = cut.StretchRatio;
        var cutFrame = cut.PartnerCut * rate;
        var margin = (int)Math.Round(StretchMarginSeconds * rate);
        var first = (int)Math.Floor(cutFrame) - margin;
        var last = (int)Math.Ceiling(cutFrame + (frames / r)) + margin;
        var source = SliceWithPadding(partner, first, last - first);
        var stretched = TimeStretcher.Stretch(source, r, options.StretchMethod);
        var skip = (int)Math.Round((cutFrame - first) * r);
        var partnerPart = SliceWithPadding(stretched, skip, frames);
        return new BeatSyncAlignment(anchorPart, partnerPart, cut, resampleRatio);
    }

    /// <summary>Loudness-matches and mixes an aligned pair with weight <paramref name="lambda"/> on the anchor.</summary>
    public static BeatSyncMixResult Blend(BeatSyncAlignment alignment, double lambda, BeatSyncMixOptions options)
    {
        ArgumentNullException.ThrowIfNull(alignment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // Equal rates, layouts and lengths by construction: classic mixup's level alignment, weighting and peak guard apply as is.
        var mixed = Mixup.Mix(
            alignment.Anchor,
            alignment.Partner,
            lambda,
            new MixupOptions { Length = MixLengthPolicy.Anchor, TargetLufs = options.TargetLufs, PeakCeiling = options.PeakCeiling });
        return new BeatSyncMixResult(mixed.Audio, alignment, lambda, mixed.AnchorGainDb, mixed.PartnerGainDb, mixed.PeakGuardDb);
    }

    /// <summary><see cref="PlanCut"/>, <see cref="Align"/> and <see cref="Blend"/> in one call, with the pair's λ.</summary>
    public static BeatSyncMixResult Mix(
        AudioBuffer anchor, BeatAnalysis anchorBeats, AudioBuffer partner, BeatAnalysis partnerBeats, BeatSyncPair pair, DeterministicRandom random, BeatSyncMixOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(pair);
        var cut = PlanCut(anchorBeats, anchor.Duration, partnerBeats, partner.Duration, pair, random, options);
        return Blend(Align(anchor, partner, cut, options), pair.Lambda, options);
    }

    /// <summary>
    /// Median signed offset (partner − anchor) over anchor beats that have a partner beat within a quarter of the faster
    /// period; <paramref name="medianAbsolute"/> is the median |offset| of the same pairs. Both NaN when no beats pair up.
    /// </summary>
    public static double MedianOffset(IReadOnlyList<double> anchorBeats, IReadOnlyList<double> partnerBeats, out double medianAbsolute)
    {
        ArgumentNullException.ThrowIfNull(anchorBeats);
        ArgumentNullException.ThrowIfNull(partnerBeats);
        medianAbsolute = double.NaN;
        if (anchorBeats.Count < 2 || partnerBeats.Count < 2)
        {
            return double.NaN;
        }

        var period = Math.Min(MedianStep(anchorBeats), MedianStep(partnerBeats));
        var offsets = new List<double>();
        foreach (var a in anchorBeats)
        {
            var nearest = partnerBeats.MinBy(p => Math.Abs(p - a));
            if (Math.Abs(nearest - a) <= period / 4)
            {
                offsets.Add(nearest - a);
            }
        }

        if (offsets.Count == 0)
        {
            return double.NaN;
        }

        medianAbsolute = Median(offsets.Select(Math.Abs).ToArray());
        return Median([.. offsets]);
    }

    /// <summary>
    /// Least-squares fit of anchor beat time = (partner beat time − cut) · ratio over the beat pairs closer than a quarter of
    /// the faster period under the current ratio and cut; null with fewer than four pairs or a degenerate fit.
    /// </summary>
    private static (double Ratio, double Cut)? FitLocalRatio(double[] anchorGrid, double[] partnerBeats, double cut, double ratio)
    {
        if (anchorGrid.Length < 2 || partnerBeats.Length < 2)
        {
            return null;
        }

        var predicted = partnerBeats.Select(b => (b - cut) * ratio).ToArray();
        var quarter = Math.Min(MedianStep(anchorGrid), MedianStep(predicted)) / 4;
        var pairs = new List<(double Partner, double Anchor)>();
        foreach (var q in anchorGrid)
        {
            var nearest = 0;
            for (var i = 1; i < predicted.Length; i++)
            {
                if (Math.Abs(predicted[i] - q) < Math.Abs(predicted[nearest] - q))
                {
                    nearest = i;
                }
            }

            if (Math.Abs(predicted[nearest] - q) <= quarter)
            {
                pairs.Add((partnerBeats[nearest], q));
            }
        }

        if (pairs.Count < 4)
        {
            return null;
        }

        var mx = pairs.Average(p => p.Partner);
        var my = pairs.Average(p => p.Anchor);
        var sxx = pairs.Sum(p => (p.Partner - mx) * (p.Partner - mx));
        var sxy = pairs.Sum(p => (p.Partner - mx) * (p.Anchor - my));
        if (!(sxx > 0))
        {
            return null;
        }

        var slope = sxy / sxx;
        var intercept = my - (slope * mx);
        return slope > 0 && double.IsFinite(slope) && slope >= TimeStretcher.MinRatio && slope <= TimeStretcher.MaxRatio
            ? (slope, -intercept / slope)
            : null;
    }

    private static double[] CutCandidates(BeatAnalysis analysis, string role)
    {
        // MusicLDM cuts at a downbeat other than the last; without a bar estimate any beat but the last will do.
        if (analysis.Downbeats.Length >= 2)
        {
            return analysis.Downbeats[..^1];
        }

        return analysis.Beats.Length >= 2
            ? analysis.Beats[..^1]
            : throw new ArgumentException($"The {role} has fewer than two beats; it cannot be cut on the beat.", role);
    }

    private static double ChooseCut(double[] candidates, Func<double, double> material, double? wanted, DeterministicRandom random)
    {
        // Only cuts that leave the requested length; when none does, the earliest (it leaves the most material).
        var fitting = wanted is { } w ? candidates.Where(c => material(c) >= w).ToArray() : candidates;
        return fitting.Length == 0 ? candidates[0] : fitting[random.NextInt(fitting.Length)];
    }

    private static double[] Window(IEnumerable<double> beats, double length) =>
        beats.Where(b => b >= -1e-9 && b <= length).ToArray();

    private static AudioBuffer SliceWithPadding(AudioBuffer buffer, int start, int frames)
    {
        var result = AudioBuffer.Silence(buffer.SampleRate, buffer.ChannelCount, Math.Max(0, frames));
        var from = Math.Max(0, start);
        var to = Math.Min(buffer.Frames, start + frames);
        for (var c = 0; c < buffer.ChannelCount && to > from; c++)
        {
            Array.Copy(buffer.Channels[c], from, result.Channels[c], from - start, to - from);
        }

        return result;
    }

    private static double MedianStep(IReadOnlyList<double> beats)
    {
        var steps = new double[beats.Count - 1];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = beats[i + 1] - beats[i];
        }

        return Median(steps);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
