namespace AudioMix.Music.Beats;

/// <summary>
/// Ellis (2007) dynamic-programming beat tracker with librosa 0.11.0 <c>beat_track</c> semantics: local score =
/// onset envelope / std (ddof 1) convolved with a Gaussian of σ = P/32 frames; cumulative score
/// C(i) = local(i) + max over predecessors τ ∈ [i − 2P, i − P/2] of C(τ) − tightness·(ln(i−τ) − ln P)²; the last beat
/// is the latest local maximum of C above half the median of C's local maxima; trim removes weak end beats.
/// The period may be fractional (librosa rounds it to whole frames).
/// </summary>
internal static class DpBeatTracker
{
    /// <summary>Returns the local score and the beat frames (ascending).</summary>
    public static (double[] Local, int[] Beats) Track(double[] onset, double period, double tightness, bool trim, bool librosaTrim = false)
    {
        var n = onset.Length;
        var local = LocalScore(onset, period);
        if (n < 3 || period <= 1)
        {
            return (local, []);
        }

        var cum = new double[n];
        var back = new int[n];
        var threshold = 0.01 * Max(local);
        var first = true;
        var minBack = Math.Max(1, (int)Math.Round(period / 2));
        var maxBack = (int)Math.Round(2 * period);
        var logP = Math.Log(period);
        for (var i = 0; i < n; i++)
        {
            var best = double.NegativeInfinity;
            var arg = -1;
            for (var loc = i - minBack; loc >= i - maxBack; loc--)
            {
                if (loc < 0)
                {
                    break;
                }

                var d = Math.Log(i - loc) - logP;
                var s = cum[loc] - (tightness * d * d);
                if (s > best)
                {
                    // Strict '>': among equal scores the nearest predecessor wins (librosa 0.11).
                    best = s;
                    arg = loc;
                }
            }

            cum[i] = local[i] + (arg >= 0 ? best : 0);
            if (first && local[i] < threshold)
            {
                back[i] = -1;
            }
            else
            {
                back[i] = arg;
                first = false;
            }
        }

        var tail = LastBeat(cum);
        if (tail < 0)
        {
            return (local, []);
        }

        var beats = new List<int>();
        for (var b = tail; b >= 0; b = back[b])
        {
            beats.Add(b);
        }

        beats.Reverse();
        return (local, trim ? Trim(local, beats, librosaTrim) : [.. beats]);
    }

    /// <summary>librosa __beat_local_score: Gaussian window exp(−½(32j/P)²), j = −P..P, 'same' convolution.</summary>
    internal static double[] LocalScore(double[] onset, double period)
    {
        var n = onset.Length;
        var std = StdDdof1(onset);
        var norm = std + double.Epsilon;
        var half = Math.Max(1, (int)Math.Round(period));
        var g = new double[(2 * half) + 1];
        for (var j = -half; j <= half; j++)
        {
            var z = j * 32.0 / Math.Max(period, 1e-9);
            g[j + half] = Math.Exp(-0.5 * z * z);
        }

        var local = new double[n];
        for (var i = 0; i < n; i++)
        {
            double acc = 0;
            var lo = Math.Max(0, i - half);
            var hi = Math.Min(n - 1, i + half);
            for (var t = lo; t <= hi; t++)
            {
                acc += onset[t] * g[t - i + half];
            }

            local[i] = acc / norm;
        }

        return local;
    }

    /// <summary>
    /// librosa 0.11 __last_beat_selection on the cumulative score: the latest local maximum of C at or above half the
    /// median of C's local maxima, where the final frame counts as a maximum whenever C rises into it (edge rule).
    /// </summary>
    /// <remarks>
    /// The edge rule can end the path on a frame in trailing silence; trim then removes that frame, but its backtracked
    /// predecessor may sit a few frames off the true last onset. Restricting the tail to onset-bearing maxima was tried
    /// and made the end of the path less stable (it can end on a late off-grid onset), so librosa's rule is kept.
    /// </remarks>
    private static int LastBeat(double[] cum)
    {
        var n = cum.Length;
        var peaks = new List<double>();
        var isMax = new bool[n];
        for (var i = 0; i < n; i++)
        {
            // util.localmax with edge padding: x[i] > x[i−1] and x[i] ≥ x[i+1]; never true at i = 0.
            var left = i > 0 && cum[i] > cum[i - 1];
            var right = i == n - 1 || cum[i] >= cum[i + 1];
            if (left && right)
            {
                isMax[i] = true;
                peaks.Add(cum[i]);
            }
        }

        if (peaks.Count == 0)
        {
            return -1;
        }

        var threshold = 0.5 * Median(peaks);
        for (var i = n - 1; i >= 0; i--)
        {
            if (isMax[i] && cum[i] >= threshold)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// librosa 0.11 __trim_beats: smooth the local score at the beats with hann(5) = [0, ½, 1, ½, 0] ('same') normalised
    /// to unit sum, take half its RMS as the threshold and drop beats in the leading and trailing frames whose local score does not exceed it.
    /// </summary>
    private static int[] Trim(double[] local, List<int> beats, bool librosaTrim)
    {
        var m = beats.Count;
        if (m == 0)
        {
            return [];
        }

        double sumSq = 0;
        for (var k = 0; k < m; k++)
        {
            var s = local[beats[k]];
            s += k > 0 ? 0.5 * local[beats[k - 1]] : 0;
            s += k < m - 1 ? 0.5 * local[beats[k + 1]] : 0;
            sumSq += s * s;
        }

        // librosa's hann(5) has unit peak and sum 2, so its threshold is ≈ the RMS beat strength itself and edge beats of
        // merely average strength are removed (the kind of over-trimming librosa issue #1773 fixed for 0.11's off-by-one).
        // Dividing by the window sum makes the threshold half the RMS local score at the beats, the evident intent.
        var threshold = 0.5 * Math.Sqrt(sumSq / m) / (librosaTrim ? 1.0 : 2.0);

        // 0.11 walks frames, not beats: the leading (trailing) frames whose local score is ≤ the threshold lose their beat.
        var firstFrame = 0;
        while (firstFrame < local.Length && local[firstFrame] <= threshold)
        {
            firstFrame++;
        }

        var lastFrame = local.Length - 1;
        while (lastFrame >= 0 && local[lastFrame] <= threshold)
        {
            lastFrame--;
        }

        return [.. beats.Where(b => b >= firstFrame && b <= lastFrame)];
    }

    internal static double StdDdof1(double[] x)
    {
        if (x.Length < 2)
        {
            return 0;
        }

        double mean = 0;
        foreach (var v in x)
        {
            mean += v;
        }

        mean /= x.Length;
        double ss = 0;
        foreach (var v in x)
        {
            ss += (v - mean) * (v - mean);
        }

        return Math.Sqrt(ss / (x.Length - 1));
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    private static double Max(double[] x)
    {
        var m = double.NegativeInfinity;
        foreach (var v in x)
        {
            m = Math.Max(m, v);
        }

        return m;
    }
}
