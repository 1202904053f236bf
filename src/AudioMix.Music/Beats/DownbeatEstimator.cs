namespace AudioMix.Music.Beats;

/// <summary>Bar grouping of a beat sequence: beats per bar and the index of the first downbeat.</summary>
internal readonly record struct MeterEstimate(int Meter, int Phase, double Contrast);

/// <summary>
/// Downbeats and meter without a neural network (research spec §2.6). Per beat k three features are measured:
/// <list type="number">
/// <item>harmonic change: Jensen–Shannon divergence between the normalised low/mid-band magnitude spectra of beat
/// intervals k−1 and k (Davies &amp; Plumbley, EUSIPCO 2006: chords and bass notes change at bar starts);</item>
/// <item>low-band (kick/bass) onset strength at the beat (Goto 2001: bass drum on the first beat);</item>
/// <item>overall onset strength at the beat (metrical accent).</item>
/// </list>
/// Each is z-scored over the track and combined with weights (1, ½, ½). For M ∈ {4, 3} and phase p the bar score
/// S[M,p] is the mean over beats k ≡ p (mod M); the contrast max_p S − mean_p S measures how strongly the features
/// repeat every M beats and the downbeat phase is its argmax for the chosen meter. The meter itself comes from bar-level
/// repetition (<see cref="TripleEvidence"/>). One global phase (as in QM-DSP's DownBeat), so a beat-tracking glitch is not recovered from.
/// </summary>
internal static class DownbeatEstimator
{
    public static MeterEstimate Estimate(double[] beatFrames, double period, OnsetFeatures features, double tripleThreshold)
    {
        var k = beatFrames.Length;
        if (k < 6)
        {
            return new MeterEstimate(k >= 2 ? 4 : 0, 0, 0);
        }

        var frames = features.Onset.Length;
        var change = new double[k];
        var low = new double[k];
        var accent = new double[k];
        double[]? previous = null;
        for (var i = 0; i < k; i++)
        {
            var start = Math.Clamp((int)Math.Round(beatFrames[i]), 0, frames - 1);
            var end = i + 1 < k ? (int)Math.Round(beatFrames[i + 1]) : (int)Math.Round(beatFrames[i] + period);
            var spectrum = BeatSpectrum(features.HarmonicMagnitude, start, Math.Clamp(end, start + 1, frames));
            change[i] = previous is null || spectrum is null ? double.NaN : JensenShannon(previous, spectrum);
            previous = spectrum;
            low[i] = PeakAround(features.LowOnset, start);
            accent[i] = PeakAround(features.Onset, start);
        }

        // The first beat has no predecessor: give it the mean change so it favours no phase.
        change[0] = MeanFinite(change);
        ZScore(change);
        ZScore(low);
        ZScore(accent);
        var combined = new double[k];
        for (var i = 0; i < k; i++)
        {
            combined[i] = change[i] + (0.5 * low[i]) + (0.5 * accent[i]);
        }

        var (phase4, contrast4) = BestPhase(combined, 4);
        var (phase3, contrast3) = BestPhase(combined, 3);
        var t = TripleEvidence(beatFrames, period, features.MelDb);
        // Meter from bar-level repetition (beat-synchronous spectra repeat every bar; cf. aubio's ACF test at 3P vs 4P):
        // 3/4 only when beats correlate with the beat 3 later significantly better than with the beat 4 later.
        var triple = t > tripleThreshold;
        return triple
            ? new MeterEstimate(3, phase3, contrast3)
            : new MeterEstimate(4, phase4, contrast4);
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

    private static (int Phase, double Contrast) BestPhase(double[] score, int meter)
    {
        var sums = new double[meter];
        var counts = new int[meter];
        for (var i = 0; i < score.Length; i++)
        {
            if (double.IsFinite(score[i]))
            {
                sums[i % meter] += score[i];
                counts[i % meter]++;
            }
        }

        var best = 0;
        double total = 0;
        var means = new double[meter];
        for (var p = 0; p < meter; p++)
        {
            means[p] = counts[p] > 0 ? sums[p] / counts[p] : 0;
            total += means[p];
            if (means[p] > means[best])
            {
                best = p;
            }
        }

        return (best, means[best] - (total / meter));
    }

    /// <summary>Mean magnitude spectrum over frames [start, end), normalised to sum 1; null when silent.</summary>
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

    /// <summary>Jensen–Shannon divergence (natural log) between two distributions.</summary>
    internal static double JensenShannon(double[] p, double[] q)
    {
        double js = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = 0.5 * (p[i] + q[i]);
            if (p[i] > 0)
            {
                js += 0.5 * p[i] * Math.Log(p[i] / m);
            }

            if (q[i] > 0)
            {
                js += 0.5 * q[i] * Math.Log(q[i] / m);
            }
        }

        return js;
    }

    private static double PeakAround(double[] x, int frame)
    {
        var best = 0.0;
        for (var t = Math.Max(0, frame - 1); t <= Math.Min(x.Length - 1, frame + 1); t++)
        {
            best = Math.Max(best, x[t]);
        }

        return best;
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
