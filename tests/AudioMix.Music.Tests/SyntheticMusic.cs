namespace AudioMix.Music.Tests;

/// <summary>Generated drum/bass/click patterns with known beat and downbeat times (seeded, deterministic).</summary>
internal static class SyntheticMusic
{
    public sealed record Track(float[] Samples, int SampleRate, double[] Beats, double[] Downbeats);

    /// <summary>Metronome clicks (1 kHz bursts of 10 ms), first click at <paramref name="start"/> s.</summary>
    public static Track Clicks(double bpm, double seconds, int sampleRate = 22050, double start = 0.5, int meter = 4, bool accent = false)
    {
        var x = new float[(int)(seconds * sampleRate)];
        var beats = BeatTimes(bpm, seconds, start, 0, seed: 1);
        for (var i = 0; i < beats.Length; i++)
        {
            var gain = accent && i % meter == 0 ? 1.0 : 0.5;
            AddTone(x, sampleRate, beats[i], 1000, 0.01, 0.004, gain);
        }

        return new Track(x, sampleRate, beats, [.. beats.Where((_, i) => i % meter == 0)]);
    }

    /// <summary>
    /// Drum + bass pattern: kick on the downbeat (and beat 3 in 4/4), snare on the other beats, closed hi-hat on eighth
    /// notes (optional), a bass note starting on every downbeat (a new pitch every bar), a quiet noise floor and Gaussian timing
    /// jitter of <paramref name="jitterMs"/> ms standard deviation.
    /// </summary>
    public static Track DrumsAndBass(double bpm, int meter, double seconds, int sampleRate = 22050, double jitterMs = 2.0, int seed = 7, double start = 0.3, bool eighthHats = true)
    {
        var x = new float[(int)(seconds * sampleRate)];
        var beats = BeatTimes(bpm, seconds, start, jitterMs, seed);
        var period = 60.0 / bpm;
        var bassRoots = new[] { 55.0, 73.42, 61.74, 82.41 };
        var rng = new Random(seed + 1);
        for (var i = 0; i < beats.Length; i++)
        {
            var t = beats[i];
            var pos = i % meter;
            if (pos == 0)
            {
                AddKick(x, sampleRate, t, 1.0);
                AddTone(x, sampleRate, t, bassRoots[(i / meter) % bassRoots.Length], period * meter * 0.9, 0.4, 0.35);
            }
            else if (meter == 4 && pos == 2)
            {
                AddKick(x, sampleRate, t, 0.6);
            }
            else
            {
                AddNoiseBurst(x, sampleRate, t, 0.12, 0.35, rng, highPass: false);
            }

            // Hi-hats on the beat and on the off-beat eighth.
            AddNoiseBurst(x, sampleRate, t, 0.03, 0.08, rng, highPass: true);
            if (eighthHats)
            {
                AddNoiseBurst(x, sampleRate, t + (period / 2), 0.03, 0.06, rng, highPass: true);
            }
        }

        var noise = new Random(seed + 2);
        for (var n = 0; n < x.Length; n++)
        {
            x[n] += (float)(0.003 * ((noise.NextDouble() * 2) - 1));
        }

        return new Track(x, sampleRate, beats, [.. beats.Where((_, i) => i % meter == 0)]);
    }

    private static double[] BeatTimes(double bpm, double seconds, double start, double jitterMs, int seed)
    {
        var rng = new Random(seed);
        var period = 60.0 / bpm;
        var list = new List<double>();
        for (var k = 0; start + (k * period) < seconds - 0.2; k++)
        {
            // Box–Muller Gaussian jitter.
            var g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            list.Add(start + (k * period) + (jitterMs / 1000.0 * g));
        }

        return [.. list];
    }

    private static void AddKick(float[] x, int rate, double t, double gain)
    {
        // Pitch-dropping sine (150 → 50 Hz) with a 120 ms exponential decay.
        var start = (int)(t * rate);
        var n = (int)(0.3 * rate);
        double phase = 0;
        for (var i = 0; i < n && start + i < x.Length; i++)
        {
            if (start + i < 0)
            {
                continue;
            }

            var tt = (double)i / rate;
            var f = 50 + (100 * Math.Exp(-tt / 0.03));
            phase += 2 * Math.PI * f / rate;
            x[start + i] += (float)(gain * 0.8 * Math.Exp(-tt / 0.12) * Math.Sin(phase));
        }
    }

    private static void AddTone(float[] x, int rate, double t, double freq, double duration, double decay, double gain)
    {
        var start = (int)(t * rate);
        var n = (int)(duration * rate);
        for (var i = 0; i < n && start + i < x.Length; i++)
        {
            if (start + i < 0)
            {
                continue;
            }

            var tt = (double)i / rate;
            var attack = Math.Min(1.0, tt / 0.002);
            x[start + i] += (float)(gain * attack * Math.Exp(-tt / decay) * Math.Sin(2 * Math.PI * freq * tt));
        }
    }

    private static void AddNoiseBurst(float[] x, int rate, double t, double duration, double gain, Random rng, bool highPass)
    {
        var start = (int)(t * rate);
        var n = (int)(duration * rate);
        double previous = 0;
        for (var i = 0; i < n && start + i < x.Length; i++)
        {
            var white = (rng.NextDouble() * 2) - 1;
            var v = highPass ? white - previous : white;
            previous = white;
            if (start + i < 0)
            {
                continue;
            }

            var tt = (double)i / rate;
            x[start + i] += (float)(gain * Math.Exp(-tt / (duration / 4)) * v);
        }
    }
}
