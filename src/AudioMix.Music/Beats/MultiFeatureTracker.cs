namespace AudioMix.Music.Beats;

/// <summary>One detection function's beat sequence: its own tempo, Ellis DP local score and beat frames.</summary>
/// <param name="Detection">Which onset detection function it tracked.</param>
/// <param name="PeriodFrames">The tempo estimate's beat period in frames.</param>
/// <param name="Local">The DP's local score (the detection function smoothed at the period's scale).</param>
/// <param name="Frames">Beat frames, ascending.</param>
/// <param name="Agreement">Mean information gain against every other detection function's sequence (Zapata et al. 2014's mutual agreement).</param>
internal sealed record BeatCandidate(string Detection, double PeriodFrames, double[] Local, int[] Frames, double Agreement);

/// <summary>
/// Multi-feature beat tracking (Zapata, Davies &amp; Gómez, IEEE/ACM TASLP 2014, as in Essentia's
/// BeatTrackerMultiFeature): every onset detection function is tracked on its own — its own tempo (comb-filtered
/// autocorrelation with the log-normal prior) and its own Ellis (2007) DP — and the committee's sequence with the maximum
/// mean mutual agreement (information gain, Davies et al. 2011) is kept. The same mean mutual agreement measures how hard
/// the excerpt is: Holzapfel et al. (IEEE TASLP 2012) showed that the agreement of a committee of trackers predicts the
/// accuracy of the chosen one, which is what <see cref="BeatAnalysis.Confidence"/> reports.
/// </summary>
internal static class MultiFeatureTracker
{
    public static IReadOnlyList<BeatCandidate> Track(OnsetFeatures features, BeatTrackerOptions options)
    {
        var tracked = new List<(string Name, double Period, double[] Local, int[] Frames)>();
        foreach (var detection in features.Detections)
        {
            if (!detection.Values.Any(v => v > 0))
            {
                continue;
            }

            var tempo = TempoEstimator.Estimate(detection.Autocorrelation, options);
            if (tempo.PeriodFrames <= 1)
            {
                continue;
            }

            var (local, frames) = DpBeatTracker.Track(detection.Values, tempo.PeriodFrames, options.Tightness, options.Trim, options.LibrosaTrimThreshold);
            if (frames.Length >= 2)
            {
                tracked.Add((detection.Name, tempo.PeriodFrames, local, frames));
            }
        }

        var times = tracked.Select(t => t.Frames.Select(f => f / options.FrameRate).ToArray()).ToArray();
        var result = new BeatCandidate[tracked.Count];
        for (var i = 0; i < tracked.Count; i++)
        {
            double sum = 0;
            for (var j = 0; j < tracked.Count; j++)
            {
                sum += i == j ? 0 : BeatMetrics.InformationGain(times[j], times[i]);
            }

            var agreement = tracked.Count > 1 ? sum / (tracked.Count - 1) : 0;
            result[i] = new BeatCandidate(tracked[i].Name, tracked[i].Period, tracked[i].Local, tracked[i].Frames, agreement);
        }

        return result;
    }

    /// <summary>The candidate with the largest mutual agreement (the first on ties: the median flux, the reference ODF).</summary>
    public static BeatCandidate? Select(IReadOnlyList<BeatCandidate> candidates)
    {
        BeatCandidate? best = null;
        foreach (var c in candidates)
        {
            if (best is null || c.Agreement > best.Agreement + 1e-12)
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// Mean F-measure (±70 ms) between the final beats and every other committee member's sequence. When the final beats
    /// were doubled by the octave check (<paramref name="periodFrames"/> half the chosen candidate's), a member at the
    /// chosen candidate's level is compared with its midpoints inserted: the octave decision is taken after the
    /// committee, and the agreement measures the committee's support for the phase, as before.
    /// </summary>
    public static double Agreement(double[] times, IReadOnlyList<BeatCandidate> candidates, BeatCandidate chosen, double fps, double periodFrames, int frameCount)
    {
        var doubled = Math.Abs((chosen.PeriodFrames / periodFrames) - 2) < 0.1;
        double sum = 0;
        var n = 0;
        foreach (var c in candidates)
        {
            if (ReferenceEquals(c, chosen))
            {
                continue;
            }

            var frames = doubled && c.Frames.Length >= 2 && Math.Abs((c.PeriodFrames / chosen.PeriodFrames) - 1) < 0.05
                ? MetricalTests.Midpoints(c.Frames, frameCount, keepBeats: true)
                : c.Frames;
            sum += BeatMetrics.FMeasure(frames.Select(f => f / fps).ToArray(), times);
            n++;
        }

        return n > 0 ? sum / n : 0;
    }
}
