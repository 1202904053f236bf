namespace AudioMix.Audio.Tests.Dsp;

/// <summary>Test-side signal generation and measurement (least-squares tone fits).</summary>
internal static class SignalMath
{
    public static float[] Sine(double frequency, int rate, int frames, double amplitude = 1, double phase = 0)
    {
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            x[i] = (float)(amplitude * Math.Sin((2 * Math.PI * frequency * i / rate) + phase));
        }

        return x;
    }

    /// <summary>
    /// Fits a·cos + b·sin at <paramref name="frequency"/> over x[start..start+count) by least squares;
    /// returns the fitted amplitude and the RMS of what is left (everything that is not that tone).
    /// When the frequency is at or above Nyquist nothing is fitted (amplitude 0, residual = RMS).
    /// </summary>
    public static (double Amplitude, double ResidualRms) FitTone(float[] x, int rate, double frequency, int start, int count)
    {
        double cc = 0, ss = 0, cs = 0, xc = 0, xs = 0;
        var fit = frequency > 0 && frequency < rate / 2.0;
        for (var i = start; i < start + count; i++)
        {
            var w = 2 * Math.PI * frequency * i / rate;
            var c = Math.Cos(w);
            var s = Math.Sin(w);
            cc += c * c;
            ss += s * s;
            cs += c * s;
            xc += x[i] * c;
            xs += x[i] * s;
        }

        double a = 0, b = 0;
        if (fit)
        {
            var det = (cc * ss) - (cs * cs);
            a = ((xc * ss) - (xs * cs)) / det;
            b = ((xs * cc) - (xc * cs)) / det;
        }

        double r2 = 0;
        for (var i = start; i < start + count; i++)
        {
            var w = 2 * Math.PI * frequency * i / rate;
            var r = x[i] - ((a * Math.Cos(w)) + (b * Math.Sin(w)));
            r2 += r * r;
        }

        return (Math.Sqrt((a * a) + (b * b)), Math.Sqrt(r2 / count));
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}
