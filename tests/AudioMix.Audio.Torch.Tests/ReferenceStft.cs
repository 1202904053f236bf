namespace AudioMix.Audio.Torch.Tests;

/// <summary>
/// Plain double-precision STFT used as ground truth: reflect padding by n_fft/2, periodic Hann window
/// w[n] = 0.5 − 0.5·cos(2πn/W) zero-padded centrally to n_fft, direct DFT X[k,t] = Σ x[t·hop+n]·w[n]·e^{−2πikn/N}.
/// </summary>
internal static class ReferenceStft
{
    /// <summary>Returns (re, im) each shaped [bins, frames].</summary>
    public static (double[,] Re, double[,] Im) Compute(float[] signal, int nFft, int hop, int? winLength = null, bool center = true)
    {
        var n = signal.Length;
        var pad = center ? nFft / 2 : 0;
        var padded = new double[n + (2 * pad)];
        for (var i = 0; i < padded.Length; i++)
        {
            var j = i - pad;
            if (j < 0)
            {
                j = -j;
            }
            else if (j >= n)
            {
                j = (2 * (n - 1)) - j;
            }

            padded[i] = signal[j];
        }

        var w = winLength ?? nFft;
        var window = new double[nFft];
        var left = (nFft - w) / 2;
        for (var i = 0; i < w; i++)
        {
            window[left + i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / w));
        }

        var cos = new double[nFft];
        var sin = new double[nFft];
        for (var i = 0; i < nFft; i++)
        {
            cos[i] = Math.Cos(2 * Math.PI * i / nFft);
            sin[i] = Math.Sin(2 * Math.PI * i / nFft);
        }

        var frames = 1 + ((padded.Length - nFft) / hop);
        var bins = (nFft / 2) + 1;
        var re = new double[bins, frames];
        var im = new double[bins, frames];
        var frame = new double[nFft];
        for (var t = 0; t < frames; t++)
        {
            for (var m = 0; m < nFft; m++)
            {
                frame[m] = padded[(t * hop) + m] * window[m];
            }

            for (var k = 0; k < bins; k++)
            {
                double sr = 0, si = 0;
                for (var m = 0; m < nFft; m++)
                {
                    var idx = (int)((long)k * m % nFft);
                    sr += frame[m] * cos[idx];
                    si -= frame[m] * sin[idx];
                }

                re[k, t] = sr;
                im[k, t] = si;
            }
        }

        return (re, im);
    }

    /// <summary>Reference log-mel: |X|^power → mel bank (double) → 10·log10(max(amin, S)) → top_db clip.</summary>
    public static double[,] LogMel(float[] signal, LogMelOptions o)
    {
        var (re, im) = Compute(signal, o.FftSize, o.HopLength);
        var bank = MelFilterbank.Create(o.SampleRate, o.FftSize, o.NMels, o.FMin, o.FMax, o.Scale, o.Norm);
        var bins = re.GetLength(0);
        var frames = re.GetLength(1);
        var result = new double[o.NMels, frames];
        var max = double.NegativeInfinity;
        for (var t = 0; t < frames; t++)
        {
            for (var m = 0; m < o.NMels; m++)
            {
                double s = 0;
                for (var k = 0; k < bins; k++)
                {
                    var mag = Math.Sqrt((re[k, t] * re[k, t]) + (im[k, t] * im[k, t]));
                    s += bank[m, k] * Math.Pow(mag, o.Power);
                }

                var db = 10 * Math.Log10(Math.Max(o.AminDb, s));
                result[m, t] = db;
                max = Math.Max(max, db);
            }
        }

        if (o.TopDb is { } top)
        {
            for (var t = 0; t < frames; t++)
            {
                for (var m = 0; m < o.NMels; m++)
                {
                    result[m, t] = Math.Max(result[m, t], max - top);
                }
            }
        }

        return result;
    }
}
