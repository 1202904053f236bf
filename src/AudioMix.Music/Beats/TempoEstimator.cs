namespace AudioMix.Music.Beats;

/// <summary>Global tempo estimate: beat period in frames (fractional) and its periodicity strength.</summary>
internal readonly record struct TempoEstimate(double PeriodFrames, double Bpm, double Strength);

/// <summary>
/// librosa 0.11 <c>feature.tempo</c> on the mean tempogram: score(k) = log1p(10⁶·ac[k]) + log-prior(k), with the
/// log-normal prior −½((log2 bpm − log2 start)/std)² (Ellis 2007 uses the same log-Gaussian weighting). Two additions:
/// the peak lag is refined by parabolic interpolation (librosa's tempo is quantised to 60·fps/k, ≈4.6 % steps at
/// 120 BPM), and an explicit octave step moves tempi outside the preferred range by one octave when the autocorrelation
/// supports the other metrical level.
/// </summary>
internal static class TempoEstimator
{
    public static TempoEstimate Estimate(double[] ac, BeatTrackerOptions options)
    {
        var fps = options.FrameRate;
        var n = ac.Length;
        var salience = options.CombHarmonics <= 1 ? ac : CombSalience(ac, options.CombHarmonics);
        var score = new double[n];
        var best = -1;
        for (var k = 0; k < n; k++)
        {
            score[k] = double.NegativeInfinity;
            if (k == 0)
            {
                continue;
            }

            var bpm = 60.0 * fps / k;
            if (bpm >= options.MaxTempo)
            {
                continue;
            }

            var z = (Math.Log2(bpm) - Math.Log2(options.StartBpm)) / options.StdBpm;
            score[k] = Math.Log(1 + (1e6 * Math.Max(salience[k], 0))) - (0.5 * z * z);
            if (best < 0 || score[k] > score[best])
            {
                best = k;
            }
        }

        if (best < 0)
        {
            return new TempoEstimate(0, 0, 0);
        }

        var lag = Refine(score, best);
        var bpmBest = 60.0 * fps / lag;

        // Octave handling (research spec §2.2): the prior only weakly separates T from 2T or T/2 (0.5 nats at one octave
        // from 120 BPM), so a tempo outside [PreferredMin, PreferredMax) is moved one octave when the autocorrelation
        // at the other level is at least half as strong — a periodic onset pattern always correlates at 2P, and at P/2
        // only if there are onsets halfway between the beats.
        var strength = Interpolate(ac, lag);
        if (bpmBest >= options.PreferredMaxBpm && 2 * lag < n - 1)
        {
            var other = PeakNear(ac, 2 * lag);
            if (Interpolate(ac, other) >= 0.5 * strength)
            {
                lag = other;
            }
        }
        else if (bpmBest < options.PreferredMinBpm && lag / 2 >= 2)
        {
            var other = PeakNear(ac, lag / 2);
            if (Interpolate(ac, other) >= 0.5 * strength)
            {
                lag = other;
            }
        }

        return new TempoEstimate(lag, 60.0 * fps / lag, Math.Clamp(Interpolate(ac, lag), 0, 1));
    }

    /// <summary>
    /// Shift-invariant comb filterbank over the autocorrelation (Davies &amp; Plumbley 2007, as in aubio and Essentia's
    /// TempoTapDegara): salience(τ) = mean over a = 1..H of the largest unbiased autocorrelation within
    /// a·τ ± (a − 1) lags. A true beat period is reinforced by its multiples (bar and half-bar repetition), while the
    /// half-tempo lag 2τ only collects 2τ, 4τ, … — this counters the single-lag tempogram's tendency to prefer the
    /// two-beat (kick/snare) period. "Unbiased": divided by the Hann window's own autocorrelation so long lags are not
    /// penalised by the window taper; lags beyond half the window are not used (too few overlapping samples).
    /// </summary>
    internal static double[] CombSalience(double[] ac, int harmonics)
    {
        var n = ac.Length;
        var unbiased = new double[n];
        var limit = n / 2;
        for (var k = 0; k < n; k++)
        {
            unbiased[k] = k <= limit ? ac[k] / HannAutocorrelation(k, n) : double.NaN;
        }

        var salience = new double[n];
        for (var tau = 1; tau < n; tau++)
        {
            double sum = 0;
            var terms = 0;
            for (var a = 1; a <= harmonics; a++)
            {
                var hi = (a * tau) + (a - 1);
                if (hi > limit && a > 1)
                {
                    break;
                }

                var peak = double.NegativeInfinity;
                for (var k = (a * tau) - (a - 1); k <= Math.Min(hi, n - 1); k++)
                {
                    if (double.IsFinite(unbiased[k]))
                    {
                        peak = Math.Max(peak, unbiased[k]);
                    }
                }

                if (double.IsFinite(peak))
                {
                    sum += peak;
                    terms++;
                }
            }

            salience[tau] = terms > 0 ? sum / terms : 0;
        }

        return salience;
    }

    /// <summary>Autocorrelation of the periodic Hann window of length <paramref name="w"/> at lag k, normalised to 1 at lag 0.</summary>
    internal static double HannAutocorrelation(int k, int w)
    {
        double num = 0;
        double den = 0;
        for (var i = 0; i < w; i++)
        {
            var a = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / w));
            den += a * a;
            if (i + k < w)
            {
                num += a * (0.5 - (0.5 * Math.Cos(2 * Math.PI * (i + k) / w)));
            }
        }

        return num / den;
    }

    /// <summary>The parabolic-interpolated local maximum of <paramref name="ac"/> nearest to the fractional lag.</summary>
    private static double PeakNear(double[] ac, double lag)
    {
        var k = (int)Math.Round(lag);
        var reach = Math.Max(1, (int)Math.Ceiling(lag * 0.1));
        var best = Math.Clamp(k, 1, ac.Length - 2);
        for (var j = Math.Max(1, k - reach); j <= Math.Min(ac.Length - 2, k + reach); j++)
        {
            if (ac[j] > ac[best])
            {
                best = j;
            }
        }

        return Refine(ac, best);
    }

    /// <summary>Vertex of the parabola through (k−1, k, k+1); k itself at the edges or when not a strict peak.</summary>
    internal static double Refine(double[] y, int k)
    {
        if (k <= 0 || k >= y.Length - 1 || !double.IsFinite(y[k - 1]) || !double.IsFinite(y[k + 1]))
        {
            return k;
        }

        var den = y[k - 1] - (2 * y[k]) + y[k + 1];
        if (den >= 0)
        {
            return k;
        }

        var delta = 0.5 * (y[k - 1] - y[k + 1]) / den;
        return k + Math.Clamp(delta, -0.5, 0.5);
    }

    private static double Interpolate(double[] y, double x)
    {
        var i = (int)Math.Floor(x);
        if (i < 0)
        {
            return y[0];
        }

        if (i >= y.Length - 1)
        {
            return y[^1];
        }

        var f = x - i;
        return (y[i] * (1 - f)) + (y[i + 1] * f);
    }
}
