using AudioMix.Audio;

namespace AudioMix.TestSupport;

/// <summary>Generated voiced material for scoring tests: harmonic sources with a syllable-like envelope (seeded, deterministic).</summary>
internal static class SyllableTones
{
    /// <summary>
    /// A 1 s source at 16 kHz: <paramref name="partials"/> harmonics of <paramref name="f0"/> at 1/h amplitude, amplitude
    /// modulated at <paramref name="syllableHz"/>; <paramref name="noise"/> adds seeded uniform noise of that peak (an
    /// imperfect estimate).
    /// </summary>
    public static AudioBuffer Make(double f0, int partials, double syllableHz, double noise = 0, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new float[16000];
        for (var k = 0; k < samples.Length; k++)
        {
            var t = k / 16000.0;
            double v = 0;
            for (var h = 1; h <= partials; h++)
            {
                v += Math.Sin(2 * Math.PI * f0 * h * t) / h;
            }

            samples[k] = (float)((0.2 * (0.55 + (0.45 * Math.Sin(2 * Math.PI * syllableHz * t))) * v) + (noise * ((random.NextDouble() * 2) - 1)));
        }

        return new AudioBuffer(16000, [samples]);
    }
}
