namespace AudioMix.Audio.Tests.Loudness;

/// <summary>Deterministic test signals for loudness tests.</summary>
internal static class TestSignals
{
    public static float[] Sine(double frequency, int rate, double seconds, double peakDbfs)
    {
        var n = (int)Math.Round(seconds * rate);
        var amp = Math.Pow(10, peakDbfs / 20);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)(amp * Math.Sin(2 * Math.PI * frequency * i / rate));
        }

        return x;
    }

    /// <summary>
    /// Pink-ish noise: white noise through P. Kellet's "economy" three-pole 1/f approximation,
    /// scaled to roughly <paramref name="rmsDbfs"/>.
    /// </summary>
    public static float[] PinkNoise(int rate, double seconds, double rmsDbfs, int seed)
    {
        var rng = new Random(seed);
        var n = (int)Math.Round(seconds * rate);
        var x = new double[n];
        double b0 = 0, b1 = 0, b2 = 0, sumSq = 0;
        for (var i = 0; i < n; i++)
        {
            var white = (rng.NextDouble() * 2) - 1;
            b0 = (0.99765 * b0) + (white * 0.0990460);
            b1 = (0.96300 * b1) + (white * 0.2965164);
            b2 = (0.57000 * b2) + (white * 1.0526913);
            x[i] = b0 + b1 + b2 + (white * 0.1848);
            sumSq += x[i] * x[i];
        }

        var scale = Math.Pow(10, rmsDbfs / 20) / Math.Sqrt(sumSq / Math.Max(1, n));
        var result = new float[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (float)(x[i] * scale);
        }

        return result;
    }

    public static float[] Concat(params float[][] parts)
    {
        var result = new float[parts.Sum(p => p.Length)];
        var pos = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, pos);
            pos += p.Length;
        }

        return result;
    }

    public static float[] Silence(int rate, double seconds) => new float[(int)Math.Round(seconds * rate)];
}
