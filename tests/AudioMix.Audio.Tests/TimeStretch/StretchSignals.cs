namespace AudioMix.Audio.Tests.TimeStretch;

/// <summary>Test-side generators and measurements for time-stretch tests.</summary>
internal static class StretchSignals
{
    public static float[] Sine(double frequency, int rate, int frames, double amplitude = 0.5)
    {
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate));
        }

        return x;
    }

    /// <summary>Single-sample clicks of height 1 at every multiple of <paramref name="period"/> from <paramref name="first"/>.</summary>
    public static float[] Clicks(int frames, int first, int period)
    {
        var x = new float[frames];
        for (var t = first; t < frames; t += period)
        {
            x[t] = 1f;
        }

        return x;
    }

    /// <summary>Frequency from linearly interpolated upward zero crossings in x[start..end).</summary>
    public static double ZeroCrossingFrequency(float[] x, int rate, int start, int end)
    {
        double first = -1, last = -1;
        var count = 0;
        for (var i = start + 1; i < end; i++)
        {
            if (x[i - 1] < 0 && x[i] >= 0)
            {
                var t = i - 1 + (x[i - 1] / (x[i - 1] - x[i]));
                if (first < 0)
                {
                    first = t;
                }

                last = t;
                count++;
            }
        }

        return count < 2 ? 0 : (count - 1) * rate / (last - first);
    }

    public static double Rms(float[] x, int start, int end)
    {
        double s = 0;
        for (var i = start; i < end; i++)
        {
            s += (double)x[i] * x[i];
        }

        return Math.Sqrt(s / (end - start));
    }

    /// <summary>Energy envelope: x² averaged over a centred 1 ms box.</summary>
    public static double[] Envelope(float[] x, int rate)
    {
        var w = Math.Max(1, rate / 1000);
        var env = new double[x.Length];
        double run = 0;
        for (var i = 0; i < x.Length + (w / 2); i++)
        {
            if (i < x.Length)
            {
                run += (double)x[i] * x[i];
            }

            if (i - w >= 0)
            {
                run -= (double)x[i - w] * x[i - w];
            }

            var centre = i - (w / 2);
            if (centre >= 0 && centre < x.Length)
            {
                env[centre] = Math.Max(0, run) / w;
            }
        }

        return env;
    }

    /// <summary>Span in seconds between the first and last envelope sample within <paramref name="db"/> of the envelope peak.</summary>
    public static double EnvelopeWidth(float[] x, int rate, double db = -20)
    {
        var env = Envelope(x, rate);
        var peak = env.Max();
        var threshold = peak * Math.Pow(10, db / 10);
        int first = -1, last = -1;
        for (var i = 0; i < env.Length; i++)
        {
            if (env[i] >= threshold)
            {
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        return (last - first + 1) / (double)rate;
    }

    /// <summary>Position of the envelope maximum within [start, end).</summary>
    public static int EnvelopePeak(double[] env, int start, int end)
    {
        var best = start;
        for (var i = start; i < end; i++)
        {
            if (env[i] > env[best])
            {
                best = i;
            }
        }

        return best;
    }
}
