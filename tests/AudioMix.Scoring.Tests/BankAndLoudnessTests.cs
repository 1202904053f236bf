using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Loudness;
using AudioMix.Scoring.Banks;

namespace AudioMix.Scoring.Tests;

/// <summary>Spec §15 B.16 and B.18: bank sizes and contents, loudness normalisation, framing.</summary>
public sealed class BankAndLoudnessTests
{
    private static readonly float[] Reference = MapssPreprocessing.NormalizeLoudness(Signals.Source1(16000));

    [Fact]
    public void PS_bank_has_71_signals_of_the_reference_length()
    {
        var bank = PsDistortionBank.Generate(Reference, new DeterministicRandom(1));
        Assert.Equal(71, bank.Length);
        Assert.All(bank, d => Assert.Equal(Reference.Length, d.Length));
        Assert.All(bank, d => Assert.All(d, v => Assert.True(double.IsFinite(v))));
    }

    [Fact]
    public void PM_bank_has_51_plus_notches_low_and_high_passes_signals()
    {
        var plan = PmDistortionBank.Analyse(Reference);
        var bank = PmDistortionBank.Generate(Reference, new DeterministicRandom(1));
        Assert.InRange(plan.Notches.Length, 1, 20);
        Assert.InRange(plan.LowPass.Length, 1, 4);
        Assert.InRange(plan.HighPass.Length, 1, 4);
        Assert.Equal(51 + plan.Notches.Length + plan.LowPass.Length + plan.HighPass.Length, bank.Length);
        Assert.True(bank.Length <= 79);
        Assert.All(bank, d => Assert.Equal(Reference.Length, d.Length));

        // Notch centres are > 300 Hz apart and inside (80 Hz, 7200 Hz); cut-offs are multiples of 100 Hz.
        var notches = plan.Notches.Order().ToArray();
        Assert.All(notches.Zip(notches.Skip(1)), p => Assert.True(p.Second - p.First > 300));
        Assert.All(notches, f => Assert.InRange(f, 80, 7200));
        Assert.All(plan.LowPass.Concat(plan.HighPass), f => Assert.Equal(0, f % 100));
    }

    [Fact]
    public void Banks_are_deterministic_given_the_seed_and_only_the_noise_depends_on_it()
    {
        var a = PsDistortionBank.Generate(Reference, new DeterministicRandom(1));
        var b = PsDistortionBank.Generate(Reference, new DeterministicRandom(1));
        var c = PsDistortionBank.Generate(Reference, new DeterministicRandom(2));
        // libtorch's multi-threaded reductions may round the last bit differently between runs (seen in CI:
        // 6e-17 apart), so "the same" means within 1e-12 here; the seeded noise differs by orders of magnitude more.
        for (var i = 0; i < 71; i++)
        {
            Assert.True(MaxAbsDifference(a[i], b[i]) < 1e-12, $"distortion {i} differs between runs with one seed");
            var isNoise = i is >= 14 and < 38;
            Assert.Equal(!isNoise, MaxAbsDifference(a[i], c[i]) < 1e-12);
        }

        var pmA = PmDistortionBank.Generate(Reference, new DeterministicRandom(1));
        var pmB = PmDistortionBank.Generate(Reference, new DeterministicRandom(1));
        Assert.Equal(pmA.Length, pmB.Length);
        Assert.All(pmA.Zip(pmB), p => Assert.True(MaxAbsDifference(p.First, p.Second) < 1e-12));
    }

    private static double MaxAbsDifference(double[] x, double[] y)
    {
        Assert.Equal(x.Length, y.Length);
        var max = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, Math.Abs(x[i] - y[i]));
        }

        return max;
    }

    [Fact]
    public void Loudness_normalisation_reaches_minus_23_LUFS()
    {
        foreach (var gain in new[] { 0.01, 0.3, 1.0 })
        {
            var normalized = MapssPreprocessing.NormalizeLoudness(Signals.Scale(Signals.Source2(), gain));
            var lufs = LoudnessMeter.Measure(new AudioBuffer(16000, [normalized])).IntegratedLufs;
            Assert.InRange(lufs, -23.05, -22.95);
        }
    }

    [Fact]
    public void A_full_scale_1_kHz_sine_measures_about_minus_3_LUFS_at_16_kHz()
    {
        var sine = Enumerable.Range(0, 32000).Select(k => (float)Math.Sin(2 * Math.PI * 1000 * k / 16000)).ToArray();
        var lufs = LoudnessMeter.Measure(new AudioBuffer(16000, [sine])).IntegratedLufs;
        Assert.InRange(lufs, -3.3, -2.7);
    }

    [Fact]
    public void Energy_frames_follow_the_reference_framing()
    {
        Assert.Equal(99, MapssPreprocessing.EnergyFrameCount(32000));
        Assert.Equal(100, MapssPreprocessing.EnergyFrameCount(32100));
        Assert.Equal(0, MapssPreprocessing.EnergyFrameCount(100));
    }
}
