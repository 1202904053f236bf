namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>Frame lengths scaled from the 44.1 kHz reference so the window spans the same duration at any rate.</summary>
internal static class FrameSizes
{
    /// <summary>The power of two nearest (in log scale) to <paramref name="referenceAt44k"/>·rate/44100, at least 64.</summary>
    public static int Scaled(int referenceAt44k, int sampleRate)
    {
        var ideal = referenceAt44k * (double)sampleRate / 44100.0;
        var exponent = (int)Math.Round(Math.Log2(ideal));
        return 1 << Math.Clamp(exponent, 6, 20);
    }

    /// <summary>Periodic Hann window w[n] = 0.5 − 0.5·cos(2πn/N): its N/2- and N/4-hop sums are constant.</summary>
    public static float[] PeriodicHann(int n)
    {
        var w = new float[n];
        for (var i = 0; i < n; i++)
        {
            w[i] = (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * i / n)));
        }

        return w;
    }
}
