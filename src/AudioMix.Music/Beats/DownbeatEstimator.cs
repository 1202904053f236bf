namespace AudioMix.Music.Beats;

/// <summary>Bar grouping of a beat sequence: beats per bar and each beat's position in its bar (0 = downbeat).</summary>
internal readonly record struct MeterEstimate(int Meter, int[] Positions);

/// <summary>
/// Downbeats and meter without a neural network. Per beat k two features are measured:
/// <list type="number">
/// <item>harmonic change: 1 − cosine similarity of the beat-synchronous chroma of beats k−1 and k (chords change at
/// bar starts: Goto &amp; Muraoka 1999's chord-change cue, Papadopoulos &amp; Peeters 2011's harmonic downbeat
/// evidence);</item>
/// <item>low-band (kick/bass) onset strength at the beat (Goto 2001: the bass drum and the bass note mark the bar).</item>
/// </list>
/// Each is z-scored over the track and combined (harmonic change 1, bass onsets <see cref="BassWeight"/>). The bar
/// position of every beat is then decoded by a bar-level Viterbi path (<see cref="DecodePhases"/>) instead of one
/// global phase, so a pickup bar, a dropped beat or an odd bar moves the downbeats only where it happens. The meter
/// itself comes from bar-level repetition (<see cref="TripleEvidence"/>). Davies &amp; Plumbley (2006)'s spectral
/// difference and the overall accent were tried as further features and made real-dev worse (see the notes of issue 17).
/// </summary>
internal static class DownbeatEstimator
{
    /// <summary>Weight of the z-scored bass-onset feature next to the harmonic change (chosen on dev + real-dev).</summary>
    internal const double BassWeight = 0.15;

    /// <summary>Cost, in z-score units, of a bar-position jump in <see cref="DecodePhases"/>: about ten beats of contrary evidence.</summary>
    internal const double PhaseSwitchPenalty = 10;

    public static MeterEstimate Estimate(double[] beatFrames, double period, OnsetFeatures features, double tripleThreshold)
    {
        var k = beatFrames.Length;
        if (k < 6)
        {
            return new MeterEstimate(k >= 2 ? 4 : 0, [.. Enumerable.Range(0, k).Select(i => i % 4)]);
        }

        var frames = features.Onset.Length;
        var low = new double[k];
        var harmony = new double[k];
        double[]? previousChroma = null;
        for (var i = 0; i < k; i++)
        {
            var start = Math.Clamp((int)Math.Round(beatFrames[i]), 0, frames - 1);
            var end = i + 1 < k ? (int)Math.Round(beatFrames[i + 1]) : (int)Math.Round(beatFrames[i] + period);
            var chroma = BeatSpectrum(features.Chroma, start, Math.Clamp(end, start + 1, frames));
            harmony[i] = previousChroma is null || chroma is null ? double.NaN : 1 - Cosine(previousChroma, chroma);
            previousChroma = chroma;
            low[i] = MetricalTests.PeakAround(features.LowOnset, start);
        }

        // The first beat has no predecessor: give it the mean change so it favours no position.
        harmony[0] = MeanFinite(harmony);
        ZScore(harmony);
        ZScore(low);
        var combined = new double[k];
        for (var i = 0; i < k; i++)
        {
            combined[i] = harmony[i] + (BassWeight * low[i]);
        }

        var t = TripleEvidence(beatFrames, period, features.MelDb);
        // Meter from bar-level repetition (beat-synchronous spectra repeat every bar; cf. aubio's ACF test at 3P vs 4P):
        // 3/4 only when beats correlate with the beat 3 later significantly better than with the beat 4 later.
        var meter = t > tripleThreshold ? 3 : 4;
        return new MeterEstimate(meter, DecodePhases(combined, meter, PhaseSwitchPenalty));
    }

    /// <summary>
    /// One-sided paired t statistic of d_i = r(i, i+3) − r(i, i+4), where r is the correlation between the
    /// beat-synchronous log-mel spectra of two beats (each band's mean over the track removed). Positive when the
    /// spectra repeat every 3 beats more than every 4.
    /// </summary>
    internal static double TripleEvidence(double[] beatFrames, double period, float[][] melDb)
    {
        var k = beatFrames.Length;
        var bands = melDb.Length;
        var frames = melDb[0].Length;
        var spectra = new double[k][];
        for (var i = 0; i < k; i++)
        {
            var start = Math.Clamp((int)Math.Round(beatFrames[i]), 0, frames - 1);
            var end = Math.Clamp(i + 1 < k ? (int)Math.Round(beatFrames[i + 1]) : (int)Math.Round(beatFrames[i] + period), start + 1, frames);
            var v = new double[bands];
            for (var b = 0; b < bands; b++)
            {
                double acc = 0;
                for (var t = start; t < end; t++)
                {
                    acc += melDb[b][t];
                }

                v[b] = acc / (end - start);
            }

            spectra[i] = v;
        }

        for (var b = 0; b < bands; b++)
        {
            double mean = 0;
            for (var i = 0; i < k; i++)
            {
                mean += spectra[i][b];
            }

            mean /= k;
            for (var i = 0; i < k; i++)
            {
                spectra[i][b] -= mean;
            }
        }

        var n = k - 4;
        if (n < 3)
        {
            return 0;
        }

        var d = new double[n];
        for (var i = 0; i < n; i++)
        {
            d[i] = Cosine(spectra[i], spectra[i + 3]) - Cosine(spectra[i], spectra[i + 4]);
        }

        var meanDifference = d.Average();
        var sd = DpBeatTracker.StdDdof1(d);
        return sd > 1e-12 ? meanDifference / (sd / Math.Sqrt(n)) : 0;
    }

    /// <summary>
    /// Bar-position decoding by Viterbi over the states "beat k is at position j of the bar" (j = 0..M−1): the position
    /// advances by one per beat, or — at a cost of <paramref name="switchPenalty"/> — jumps to any other position (a
    /// pickup, an inserted or dropped beat, a 2/4 bar). The emission of position 0 is the downbeat score, of the others
    /// its negative share, so a bar-level path replaces the single global phase (Peeters &amp; Papadopoulos 2011's
    /// beat-position HMM, without trained templates).
    /// </summary>
    internal static int[] DecodePhases(double[] score, int meter, double switchPenalty)
    {
        var k = score.Length;
        var states = new int[k];
        if (k == 0)
        {
            return states;
        }

        var delta = new double[meter];
        var back = new int[k, meter];
        for (var j = 0; j < meter; j++)
        {
            delta[j] = Emission(score[0], j, meter);
        }

        var next = new double[meter];
        for (var i = 1; i < k; i++)
        {
            var best = 0;
            for (var j = 1; j < meter; j++)
            {
                if (delta[j] > delta[best])
                {
                    best = j;
                }
            }

            for (var j = 0; j < meter; j++)
            {
                var previous = (j + meter - 1) % meter;
                var stay = delta[previous];
                var jump = delta[best] - switchPenalty;
                if (switchPenalty > 0 && jump > stay && best != previous)
                {
                    next[j] = jump;
                    back[i, j] = best;
                }
                else
                {
                    next[j] = stay;
                    back[i, j] = previous;
                }

                next[j] += Emission(score[i], j, meter);
            }

            (delta, next) = (next, delta);
        }

        var state = 0;
        for (var j = 1; j < meter; j++)
        {
            if (delta[j] > delta[state])
            {
                state = j;
            }
        }

        for (var i = k - 1; i >= 0; i--)
        {
            states[i] = state;
            state = back[i, state];
        }

        return states;
    }

    private static double Emission(double score, int position, int meter) =>
        double.IsFinite(score) ? (position == 0 ? score : -score / (meter - 1)) : 0;

    private static double Cosine(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }

        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary>Mean of each row over frames [start, end), normalised to sum 1; null when silent.</summary>
    private static double[]? BeatSpectrum(float[][] bands, int start, int end)
    {
        var spectrum = new double[bands.Length];
        double total = 0;
        for (var b = 0; b < bands.Length; b++)
        {
            double acc = 0;
            var row = bands[b];
            for (var t = start; t < end; t++)
            {
                acc += row[t];
            }

            spectrum[b] = acc;
            total += acc;
        }

        if (!(total > 1e-12))
        {
            return null;
        }

        for (var b = 0; b < spectrum.Length; b++)
        {
            spectrum[b] /= total;
        }

        return spectrum;
    }

    private static double MeanFinite(double[] x)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in x)
        {
            if (double.IsFinite(v))
            {
                sum += v;
                n++;
            }
        }

        return n > 0 ? sum / n : 0;
    }

    private static void ZScore(double[] x)
    {
        var mean = MeanFinite(x);
        double ss = 0;
        var n = 0;
        foreach (var v in x)
        {
            if (double.IsFinite(v))
            {
                ss += (v - mean) * (v - mean);
                n++;
            }
        }

        var std = n > 1 ? Math.Sqrt(ss / n) : 0;
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = !double.IsFinite(x[i]) || std < 1e-12 ? 0 : (x[i] - mean) / std;
        }
    }
}
