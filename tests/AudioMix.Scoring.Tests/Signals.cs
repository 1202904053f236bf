using AudioMix.Audio;
using AudioMix.Audio.Augmentation;

namespace AudioMix.Scoring.Tests;

/// <summary>Synthetic sources for MAPSS tests: harmonic tones with distinct pitch, timbre and amplitude envelopes.</summary>
internal static class Signals
{
    public const int Rate = 16000;

    /// <summary>2 s (100 frames exactly: n mod 320 = 0).</summary>
    public const int Length = 32000;

    /// <summary>A harmonic source: f0 with a few partials, vibrato and a syllable-like envelope; seed varies the phases.</summary>
    public static float[] Tone(double f0, double syllableHz, int partials, ulong seed, int length = Length)
    {
        var random = new DeterministicRandom(seed);
        var phases = Enumerable.Range(0, partials).Select(_ => random.NextDouble(0, 2 * Math.PI)).ToArray();
        var y = new float[length];
        for (var k = 0; k < length; k++)
        {
            var t = (double)k / Rate;
            var envelope = 0.55 + (0.45 * Math.Sin(2 * Math.PI * syllableHz * t));
            var pitch = f0 * (1 + (0.01 * Math.Sin(2 * Math.PI * 5 * t)));
            double v = 0;
            for (var h = 1; h <= partials; h++)
            {
                v += Math.Sin((2 * Math.PI * pitch * h * t) + phases[h - 1]) / h;
            }

            y[k] = (float)(0.2 * envelope * v);
        }

        return y;
    }

    public static float[] Source1(int length = Length) => Tone(180, 2.5, 40, 1, length);

    public static float[] Source2(int length = Length) => Tone(410, 3.5, 3, 2, length);

    public static float[] Source3(int length = Length) => Tone(770, 1.5, 2, 3, length);

    public static float[] Add(float[] a, float[] b, double gain = 1) => a.Select((v, i) => (float)(v + (gain * b[i]))).ToArray();

    public static float[] Scale(float[] a, double gain) => a.Select(v => (float)(v * gain)).ToArray();

    public static float[] WithNoise(float[] x, double snrDb, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var rms = Math.Sqrt(x.Average(v => (double)v * v));
        var scale = rms / Math.Pow(10, snrDb / 20);
        return x.Select(v => (float)(v + (scale * random.NextGaussian()))).ToArray();
    }

    public static AudioBuffer Buffer(float[] x, int rate = Rate) => new(rate, [x]);
}
