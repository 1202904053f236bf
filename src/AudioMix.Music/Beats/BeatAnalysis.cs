namespace AudioMix.Music.Beats;

/// <summary>Result of <see cref="BeatTracker.Analyze"/>.</summary>
/// <param name="Tempo">
/// Tempo in BPM derived from the tracked beats (60 / median inter-beat interval); 0 when no beats were found.
/// </param>
/// <param name="Beats">Beat times in seconds from the start of the input, ascending.</param>
/// <param name="Downbeats">The subset of <paramref name="Beats"/> that start a bar, ascending.</param>
/// <param name="Meter">Beats per bar (3 or 4); 0 when there are too few beats to decide.</param>
/// <param name="Confidence">
/// Committee agreement in [0, 1]: the mean F-measure (±70 ms) between the returned beats and the beat sequences tracked
/// on each of the other onset detection functions (Zapata et al. 2014; Holzapfel et al. 2012 show such agreement predicts
/// accuracy). Near 1: every detection function found the same beats; below ≈0.5: the excerpt is ambiguous (tempo octave,
/// off-beat) and the beats are often wrong. 0 for silence.
/// </param>
public sealed record BeatAnalysis(double Tempo, double[] Beats, double[] Downbeats, int Meter, double Confidence)
{
    /// <summary>An analysis with no beats (silence, too short, or no onsets).</summary>
    public static BeatAnalysis Empty { get; } = new(0, [], [], 0, 0);
}
