namespace AudioMix.Audio.Torch.Tests;

/// <summary>Deterministic test signals generated in code.</summary>
internal static class TestSignals
{
    public static float[] Noise(int samples, int seed, float amplitude = 1f)
    {
        var rng = new Random(seed);
        var x = new float[samples];
        for (var i = 0; i < samples; i++)
        {
            x[i] = amplitude * ((float)(rng.NextDouble() * 2.0) - 1f);
        }

        return x;
    }

    public static float[] Sine(int samples, double frequency, int sampleRate, float amplitude = 0.5f, double phase = 0)
    {
        var x = new float[samples];
        for (var i = 0; i < samples; i++)
        {
            x[i] = amplitude * (float)Math.Sin((2 * Math.PI * frequency * i / sampleRate) + phase);
        }

        return x;
    }

    /// <summary>Linear chirp: instantaneous frequency sweeps f0 → f1 over the signal.</summary>
    public static float[] Chirp(int samples, double f0, double f1, int sampleRate, float amplitude = 0.8f)
    {
        var x = new float[samples];
        var duration = (double)samples / sampleRate;
        var rate = (f1 - f0) / duration;
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / sampleRate;
            x[i] = amplitude * (float)Math.Sin(2 * Math.PI * ((f0 * t) + (0.5 * rate * t * t)));
        }

        return x;
    }

    public static float[] Add(float[] a, float[] b)
    {
        var r = new float[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            r[i] = a[i] + b[i];
        }

        return r;
    }

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }
}
