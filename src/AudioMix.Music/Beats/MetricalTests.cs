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
        if (beats.Count < 4)
        {
            return null;
        }

        var energy = features.Detections.FirstOrDefault(d => d.Name == OnsetFrontEnd.EnergyFlux)?.Values;
        if (energy is null)
        {
            return null;
        }

        var (lowOn, lowMid) = OnOffStrength(features.LowOnset, beats);
        var (energyOn, energyMid) = OnOffStrength(energy, beats);
        if (!(lowMid > lowOn && energyMid > energyOn))
        {
            return null;
        }

        var frames = features.Onset.Length;
        var shifted = new List<int>(beats.Count);
        var firstHalf = 0.5 * (beats[1] - beats[0]);
        if (beats[0] - firstHalf >= 0)
        {
            shifted.Add((int)Math.Round(beats[0] - firstHalf));
        }

        for (var i = 0; i + 1 < beats.Count; i++)
        {
            shifted.Add((int)Math.Round(0.5 * (beats[i] + beats[i + 1])));
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
