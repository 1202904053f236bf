using AudioMix.Audio.Augmentation;

namespace AudioMix.ValueExperiment;

/// <summary>One note of a phrase, in seconds from the phrase's start.</summary>
internal sealed record PhraseNote(double Start, double Duration, int Pitch, int Velocity);

/// <summary>A monophonic phrase of one GM program, <see cref="PhraseGenerator.ClipSeconds"/> long.</summary>
/// <param name="Family">The instrument family (the class).</param>
/// <param name="Program">The GM program (0-based) it is played on.</param>
/// <param name="TempoBpm">The beat the notes sit on.</param>
/// <param name="Notes">The notes, in time order, all ending within the clip.</param>
internal sealed record Phrase(InstrumentFamily Family, int Program, double TempoBpm, IReadOnlyList<PhraseNote> Notes);

/// <summary>
/// Generates rhythmic phrases: a note on every beat (accented), an eighth note between beats half the time, pitches a
/// random walk over a major or natural-minor scale inside the family's register, tempo 120–160 BPM so a 4-s clip holds
/// 8–10 beats (what beat-synchronous mixup needs to find a grid). Deterministic given the seed.
/// </summary>
internal static class PhraseGenerator
{
    /// <summary>Length of every clip, seconds.</summary>
    public const double ClipSeconds = 4.0;

    private static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] Minor = [0, 2, 3, 5, 7, 8, 10];

    /// <summary>
    /// <paramref name="perFamily"/> phrases of every family, family-major order (all of family 0, then family 1, …); phrase
    /// <c>k</c> of a family draws from its own stream of <paramref name="seed"/>, so a set is a prefix of a larger one.
    /// </summary>
    public static IReadOnlyList<Phrase> Generate(int perFamily, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perFamily);
        var phrases = new List<Phrase>(perFamily * InstrumentFamily.All.Count);
        for (var f = 0; f < InstrumentFamily.All.Count; f++)
        {
            for (var k = 0; k < perFamily; k++)
            {
                phrases.Add(One(InstrumentFamily.All[f], DeterministicRandom.ForUnit(seed, k, (ulong)f + 1)));
            }
        }

        return phrases;
    }

    /// <summary>One phrase of <paramref name="family"/>.</summary>
    public static Phrase One(InstrumentFamily family, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(random);
        var program = family.Programs[random.NextInt(family.Programs.Count)];
        var tempo = random.NextDouble(120, 160);
        var beat = 60.0 / tempo;
        var scale = random.NextDouble() < 0.5 ? Major : Minor;
        var span = family.HighestNote - family.LowestNote;
        var tonic = family.LowestNote + random.NextInt(Math.Max(1, span - 12));

        // Onsets: every beat, plus the off-beat eighth half the time; the first onset a little after 0 so the attack is whole.
        var onsets = new List<(double Time, bool Accent)>();
        for (var t = 0.05; t < ClipSeconds - 0.15; t += beat)
        {
            onsets.Add((t, true));
            if (random.NextDouble() < 0.5 && t + (beat / 2) < ClipSeconds - 0.15)
            {
                onsets.Add((t + (beat / 2), false));
            }
        }

        var notes = new List<PhraseNote>(onsets.Count);
        var degree = random.NextInt(7);
        for (var i = 0; i < onsets.Count; i++)
        {
            var end = i + 1 < onsets.Count ? onsets[i + 1].Time : ClipSeconds - 0.05;
            var duration = Math.Min((end - onsets[i].Time) * 0.9, ClipSeconds - 0.05 - onsets[i].Time);
            var pitch = Pitch(tonic, scale, degree, family);
            var velocity = onsets[i].Accent ? random.NextInt(96, 120) : random.NextInt(64, 88);
            notes.Add(new PhraseNote(onsets[i].Time, duration, pitch, velocity));
            degree += random.NextInt(-2, 2);
        }

        return new Phrase(family, program, tempo, notes);
    }

    /// <summary>The scale degree's pitch, folded by octaves into the family's register.</summary>
    private static int Pitch(int tonic, int[] scale, int degree, InstrumentFamily family)
    {
        var octave = (int)Math.Floor(degree / 7.0);
        var pitch = tonic + (12 * octave) + scale[degree - (7 * octave)];
        while (pitch > family.HighestNote)
        {
            pitch -= 12;
        }

        while (pitch < family.LowestNote)
        {
            pitch += 12;
        }

        return pitch;
    }
}
