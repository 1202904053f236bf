using AudioMix.Audio;
using AudioMix.Audio.Augmentation;

namespace AudioMix.ValueExperiment.Tests;

public sealed class PhraseDataTests
{
    [Fact]
    public void Phrases_come_family_by_family_and_play_a_program_and_register_of_their_family()
    {
        var phrases = PhraseGenerator.Generate(3, 11);

        Assert.Equal(3 * 8, phrases.Count);
        for (var i = 0; i < phrases.Count; i++)
        {
            var phrase = phrases[i];
            Assert.Equal(InstrumentFamily.Labels[i / 3], phrase.Family.Label);
            Assert.Same(phrase.Family, InstrumentFamily.OfProgram(phrase.Program));
            Assert.NotEmpty(phrase.Notes);
            Assert.All(phrase.Notes, n =>
            {
                Assert.InRange(n.Pitch, phrase.Family.LowestNote, phrase.Family.HighestNote);
                Assert.True(n.Start >= 0 && n.Duration > 0 && n.Start + n.Duration <= PhraseGenerator.ClipSeconds, $"note {n} leaves the clip");
            });
            // At least 8 beats in the clip: beat-synchronous mixup needs a grid of 8 (BeatSyncPairOptions.MinBeats).
            Assert.True(phrase.TempoBpm * PhraseGenerator.ClipSeconds / 60 >= 8, $"tempo {phrase.TempoBpm}");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_phrases_and_a_larger_set_extends_a_smaller_one()
    {
        var small = PhraseGenerator.Generate(2, 5);
        var again = PhraseGenerator.Generate(2, 5);
        var large = PhraseGenerator.Generate(4, 5);
        var other = PhraseGenerator.Generate(2, 6);

        Assert.Equal(small.Select(Describe), again.Select(Describe));
        for (var f = 0; f < 8; f++)
        {
            Assert.Equal(Describe(small[(f * 2) + 1]), Describe(large[(f * 4) + 1]));
        }

        Assert.NotEqual(small.Select(Describe), other.Select(Describe));
    }

    [Fact]
    public void An_unknown_label_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => InstrumentFamily.IndexOf("drums"));
        Assert.Contains("'drums'", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, InstrumentFamily.IndexOf("bass"));
    }

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(0x7FL, new byte[] { 0x7F })]
    [InlineData(0x80L, new byte[] { 0x81, 0x00 })]
    [InlineData(0x3FFFL, new byte[] { 0xFF, 0x7F })]
    [InlineData(0x200000L, new byte[] { 0x81, 0x80, 0x80, 0x00 })]
    public void Delta_times_are_midi_variable_length_quantities(long value, byte[] expected)
    {
        var bytes = new List<byte>();
        StandardMidiFile.WriteVariableLength(bytes, value);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void The_midi_file_has_one_program_change_per_phrase_and_a_note_on_per_note()
    {
        var phrases = PhraseGenerator.Generate(1, 3);
        var file = new StandardMidiFile(5.5).Write(phrases);

        Assert.Equal("MThd"u8.ToArray(), file[..4]);
        Assert.Equal("MTrk"u8.ToArray(), file[14..18]);
        var trackLength = (file[18] << 24) | (file[19] << 16) | (file[20] << 8) | file[21];
        Assert.Equal(file.Length - 22, trackLength);
        var programs = new List<int>();
        var noteOns = 0;
        for (var i = 22; i < file.Length - 1; i++)
        {
            // Every event here follows a one-byte delta or a longer one ending in a byte < 0x80; status bytes are ≥ 0x80.
            if (file[i] == 0xC0 && file[i - 1] < 0x80)
            {
                programs.Add(file[i + 1]);
            }
            else if (file[i] == 0x90 && file[i - 1] < 0x80)
            {
                noteOns++;
            }
        }

        Assert.Equal(phrases.Select(p => p.Program), programs);
        Assert.Equal(phrases.Sum(p => p.Notes.Count), noteOns);
    }

    [Fact]
    public void Each_rendered_clip_is_its_own_phrase_the_label_stays_with_its_audio()
    {
        // Rendering a set in one fluidsynth run and cutting it by slot must give each phrase's own audio: slot i of the
        // set equals phrase i rendered alone. TimGM6mb loads fastest of the three soundfonts.
        var phrases = new[] { Phrase("bass", 1), Phrase("pipe", 2), Phrase("piano", 3) };
        var renderer = new FluidSynthRenderer(16_000);
        var folder = Directory.CreateTempSubdirectory("audiomix-value-").FullName;
        try
        {
            var set = renderer.Render(phrases, Soundfont.TimGm6mb, folder);
            Assert.Equal(3, set.Count);
            Assert.All(set, clip => Assert.Equal((int)(PhraseGenerator.ClipSeconds * 16_000), clip.Frames));
            for (var i = 0; i < phrases.Length; i++)
            {
                var alone = renderer.Render([phrases[i]], Soundfont.TimGm6mb, folder)[0];
                Assert.True(Rms(alone) > 1e-3, $"phrase {i} renders silent");
                Assert.True(Correlation(set[i], alone) > 0.99, $"slot {i} is not phrase {i}: correlation {Correlation(set[i], alone)}");
                for (var j = 0; j < phrases.Length; j++)
                {
                    if (j != i)
                    {
                        Assert.True(Correlation(set[j], alone) < 0.5, $"slot {j} looks like phrase {i}");
                    }
                }
            }

            // The bass phrase sits low, the pipe phrase high: the audio carries its family's register.
            Assert.True(ZeroCrossings(set[0]) < ZeroCrossings(set[1]), "the bass clip crosses zero more often than the pipe clip");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_soundfont_names_the_package_that_installs_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new Soundfont("nowhere", "/nonexistent/x.sf2", "some-soundfont-package").RequirePath());
        Assert.Contains("some-soundfont-package", e.Message, StringComparison.Ordinal);
    }

    private static Phrase Phrase(string label, long seed) =>
        PhraseGenerator.One(InstrumentFamily.All[InstrumentFamily.IndexOf(label)], new DeterministicRandom((ulong)seed));

    private static string Describe(Phrase p) => $"{p.Family.Label}/{p.Program}/{p.TempoBpm:0.000}/" + string.Join(",", p.Notes.Select(n => $"{n.Pitch}@{n.Start:0.000}"));

    private static double Rms(AudioBuffer a) => Math.Sqrt(a.Channels[0].Average(v => (double)v * v));

    private static int ZeroCrossings(AudioBuffer a)
    {
        var x = a.Channels[0];
        var n = 0;
        for (var i = 1; i < x.Length; i++)
        {
            n += (x[i - 1] < 0) != (x[i] < 0) ? 1 : 0;
        }

        return n;
    }

    private static double Correlation(AudioBuffer a, AudioBuffer b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Frames; i++)
        {
            ab += (double)a.Channels[0][i] * b.Channels[0][i];
            aa += (double)a.Channels[0][i] * a.Channels[0][i];
            bb += (double)b.Channels[0][i] * b.Channels[0][i];
        }

        return ab / Math.Sqrt((aa * bb) + 1e-30);
    }
}
