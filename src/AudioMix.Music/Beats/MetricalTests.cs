namespace AudioMix.Music.Beats;

/// <summary>
/// Beat-phase check from the strongest onsets (Goto 2001: the bass drum and the bass play on the beat, so a beat
/// sequence whose low-band onsets fall between its beats is on the off-beat). A sequence is moved by half a beat when
/// both the low-band (kick/bass) flux and the broadband energy flux are stronger halfway between its beats than on
/// them — the natural threshold (the midpoints win), no tuned constant. Off-beat chords and hi-hats (boogie, ska,
/// swing comping) make the median spectral flux lock to the off-beat; they carry little low-band or total energy.
/// </summary>
internal static class MetricalTests
{
    /// <summary>The half-beat-shifted sequence when the off-beat test fires, otherwise null.</summary>
    public static int[]? OffBeatCorrection(OnsetFeatures features, IReadOnlyList<int> beats)
    {
        if (KickAndEnergy(features, beats) is not { } s || !(s.LowMid > s.LowOn && s.EnergyMid > s.EnergyOn))
        {
            return null;
        }

        return Midpoints(beats, features.Onset.Length, keepBeats: false);
    }

    /// <summary>
    /// Tempo-octave check from the metrical salience of the strongest onsets: the sequence is doubled (its half-beat
    /// midpoints become beats too) when the drums pulse at the double tempo (Goto 2001: the tactus is the level at which
    /// bass drum and snare alternate; Davies &amp; Plumbley 2007 and Klapuri et al. 2006 choose the metrical level from
    /// the periodicity of the accents, not of every onset). Two cues, either suffices:
    /// <list type="number">
    /// <item>the kick/bass (low-band) flux or the broadband energy flux is at least as strong halfway between the beats
    /// as on them, or neither is significantly stronger on the beats (paired t of on − mid at most 1 standard error):
    /// the kick or the accents fall on both, so both are beats — a click track or four-on-the-floor at half tempo;</item>
    /// <item>backbeat: the kick is on the beats (low-band on &gt; mid) and the snare band (1–4 kHz) is significantly
    /// stronger at the midpoints (t &lt; −1) (Goto 2001's pattern: bass drum on beats 1 and 3, snare on 2 and 4 — a half-tempo sequence has every
    /// snare between its beats).</item>
    /// </list>
    /// The cues may point at the midpoints when the sequence is on the off-beat, so <see cref="OffBeatCorrection"/> runs
    /// first. The double must stay below <paramref name="preferredMaxBpm"/> (the preferred range of the octave step in
    /// <see cref="TempoEstimator"/>): 110 BPM with a kick on every eighth stays at 110.
    /// </summary>
    /// <returns>The beats with their midpoints inserted, or null when the test does not fire.</returns>
    public static int[]? DoubleTempo(OnsetFeatures features, IReadOnlyList<int> beats, double periodFrames, double frameRate, double preferredMaxBpm)
    {
        if (120.0 * frameRate / periodFrames >= preferredMaxBpm || KickAndEnergy(features, beats) is not { } s)
        {
            return null;
        }

        var kickOrAccentAtDouble = (s.LowOn > 0 && s.LowMid >= s.LowOn) || (s.EnergyOn > 0 && s.EnergyMid >= s.EnergyOn);
        var isochronous = OnMinusMidT(features.LowOnset, beats) <= 1 && OnMinusMidT(s.Energy, beats) <= 1;
        var backbeat = s.LowOn > s.LowMid && features.SnareOnset.Length > 0 && OnMinusMidT(features.SnareOnset, beats) < -1;
        return kickOrAccentAtDouble || isochronous || backbeat ? Midpoints(beats, features.Onset.Length, keepBeats: true) : null;
    }

    /// <summary>
    /// Paired t statistic of (strength on beat i) − (strength halfway to beat i+1): frame quantisation alone makes
    /// identical onsets differ by a few per cent between the DP-chosen beat frames and the rounded midpoints, so a bare
    /// "on &gt; mid" cannot tell a click track at half tempo from a tactus; |t| &gt; 1 (one standard error) is required.
    /// A silent function gives +∞ (no evidence for the midpoints).
    /// </summary>
    internal static double OnMinusMidT(double[] odf, IReadOnlyList<int> beats)
    {
        var n = beats.Count - 1;
        var d = new double[n];
        double on = 0;
        for (var i = 0; i < n; i++)
        {
            var beat = PeakAround(odf, beats[i]);
            on += beat;
            d[i] = beat - PeakAround(odf, (int)Math.Round(0.5 * (beats[i] + beats[i + 1])));
        }

        if (!(on > 0))
        {
            return double.PositiveInfinity;
        }

        var mean = d.Average();
        var se = DpBeatTracker.StdDdof1(d) / Math.Sqrt(n);
        return se > 0 ? mean / se : mean > 0 ? double.PositiveInfinity : mean < 0 ? double.NegativeInfinity : 0;
    }

    /// <summary>On-beat and midpoint strength of the low-band and energy flux; null for fewer than four beats or no energy flux.</summary>
    private static (double[] Energy, double LowOn, double LowMid, double EnergyOn, double EnergyMid)? KickAndEnergy(OnsetFeatures features, IReadOnlyList<int> beats)
    {
        var energy = features.Detections.FirstOrDefault(d => d.Name == OnsetFrontEnd.EnergyFlux)?.Values;
        if (beats.Count < 4 || energy is null)
        {
            return null;
        }

        var (lowOn, lowMid) = OnOffStrength(features.LowOnset, beats);
        var (energyOn, energyMid) = OnOffStrength(energy, beats);
        return (energy, lowOn, lowMid, energyOn, energyMid);
    }

    /// <summary>The half-beat points of the sequence (with one extrapolated at each end when it lies inside the signal), optionally merged with the beats.</summary>
    internal static int[] Midpoints(IReadOnlyList<int> beats, int frames, bool keepBeats)
    {
        var shifted = new List<int>(beats.Count * (keepBeats ? 2 : 1));
        var firstHalf = 0.5 * (beats[1] - beats[0]);
        if (beats[0] - firstHalf >= 0)
        {
            shifted.Add((int)Math.Round(beats[0] - firstHalf));
        }

        for (var i = 0; i + 1 < beats.Count; i++)
        {
            if (keepBeats)
            {
                shifted.Add(beats[i]);
            }

            shifted.Add((int)Math.Round(0.5 * (beats[i] + beats[i + 1])));
        }

        if (keepBeats)
        {
            shifted.Add(beats[^1]);
        }

        var lastHalf = 0.5 * (beats[^1] - beats[^2]);
        if (beats[^1] + lastHalf < frames)
        {
            shifted.Add((int)Math.Round(beats[^1] + lastHalf));
        }

        return [.. shifted];
    }

    /// <summary>
    /// Mean over beats of the detection function's peak within ±1 frame of each beat, and the same halfway between
    /// consecutive beats.
    /// </summary>
    public static (double OnBeat, double Midpoint) OnOffStrength(double[] odf, IReadOnlyList<int> beats)
    {
        double on = 0, off = 0;
        var n = 0;
        for (var i = 0; i + 1 < beats.Count; i++)
        {
            on += PeakAround(odf, beats[i]);
            off += PeakAround(odf, (int)Math.Round(0.5 * (beats[i] + beats[i + 1])));
            n++;
        }

        return n == 0 ? (0, 0) : (on / n, off / n);
    }

    internal static double PeakAround(double[] x, int frame)
    {
        var best = 0.0;
        for (var t = Math.Max(0, frame - 1); t <= Math.Min(x.Length - 1, frame + 1); t++)
        {
            best = Math.Max(best, x[t]);
        }

        return best;
    }
}
