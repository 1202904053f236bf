using AudioMix.Audio;

namespace AudioMix.TestSupport;

/// <summary>Generated rhythmic material for tests and benchmarks of beat-synchronous mixing (seeded, deterministic).</summary>
internal static class DrumLoops
{
    /// <summary>First beat, seconds.</summary>
    public const double Start = 0.25;

    /// <summary>A 4/4 loop, mono: low kick on beats 1 and 3, noise snare on 2 and 4, soft hats on the off-beat eighths from 90 BPM up.</summary>
    public static AudioBuffer Make(double bpm, double seconds, int seed, int rate = 22050)
    {
        var x = new float[(int)(seconds * rate)];
        var random = new Random(seed);
        var period = 60 / bpm;
        for (var beat = 0; (beat * period) + Start < seconds; beat++)
        {
            var at = (int)(((beat * period) + Start) * rate);
            var kick = beat % 2 == 0;
            for (var n = 0; n < rate / 5 && at + n < x.Length; n++)
            {
                var t = (double)n / rate;
                var body = kick
                    ? Math.Sin(2 * Math.PI * (55 + (90 * Math.Exp(-t / 0.025))) * t) * Math.Exp(-t / 0.09) * (beat % 4 == 0 ? 0.9 : 0.6)
                    : ((random.NextDouble() * 2) - 1) * Math.Exp(-t / 0.035) * 0.4;
                x[at + n] += (float)body;
            }

            var hat = (int)((((beat + 0.5) * period) + Start) * rate);
            for (var n = 0; bpm >= 90 && n < rate / 50 && hat + n < x.Length; n++)
            {
                x[hat + n] += (float)(((random.NextDouble() * 2) - 1) * 0.08 * Math.Exp(-n / (rate * 0.005)));
            }
        }

        return new AudioBuffer(rate, [x]);
    }
}
