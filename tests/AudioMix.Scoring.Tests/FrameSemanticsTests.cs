namespace AudioMix.Scoring.Tests;

/// <summary>Spec §15 B.15 and B.17: NaN and frame semantics, determinism.</summary>
public sealed class FrameSemanticsTests
{
    private const int Length = 16000;

    private static float[] Silenced(float[] x, int fromFrame, int toFrame)
    {
        var y = (float[])x.Clone();
        Array.Clear(y, fromFrame * 320, (toFrame - fromFrame) * 320);
        return y;
    }

    [Fact]
    public void Frames_where_only_one_source_is_active_are_NaN_for_every_source()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Silenced(Signals.Source2(Length), 10, 25);
        var result = Scoring.Run([r1, r2], [r1, r2]);
        Assert.Equal(49, result.FrameCount);
        foreach (var source in result.Sources)
        {
            for (var j = 10; j < 25; j++)
            {
                Assert.True(double.IsNaN(source.Ps[j]) && double.IsNaN(source.Pm[j]), $"frame {j} should be NaN");
            }

            Assert.True(double.IsFinite(source.Ps[5]) && double.IsFinite(source.Ps[30]));
        }
    }

    [Fact]
    public void A_silent_third_source_is_NaN_and_left_out_of_the_other_sources_manifold()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        var r3 = Silenced(Signals.Source3(Length), 20, 35);
        var three = Scoring.Run([r1, r2, r3], [r1, r2, r3]);
        var two = Scoring.Run([r1, r2], [r1, r2]);
        for (var j = 20; j < 35; j++)
        {
            Assert.True(double.IsNaN(three.Sources[2].Ps[j]));
            for (var s = 0; s < 2; s++)
            {
                // Same references, same banks (seeded per source), same active set → the same cloud and scores.
                Assert.Equal(two.Sources[s].Ps[j], three.Sources[s].Ps[j], 9);
                Assert.Equal(two.Sources[s].Pm[j], three.Sources[s].Pm[j], 9);
            }
        }

        Assert.True(double.IsFinite(three.Sources[2].Ps[5]));
        Assert.NotEqual(two.Sources[0].Ps[5], three.Sources[0].Ps[5]);
    }

    [Fact]
    public void The_same_seed_gives_identical_scores_and_another_seed_different_ones()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        var noisy = Signals.WithNoise(r1, 10, 3);
        var a = Scoring.Run([r1, r2], [noisy, r2], new MapssOptions { Seed = 5 });
        var b = Scoring.Run([r1, r2], [noisy, r2], new MapssOptions { Seed = 5 });
        var c = Scoring.Run([r1, r2], [noisy, r2], new MapssOptions { Seed = 6 });
        Assert.Equal(a.Sources[0].Ps, b.Sources[0].Ps);
        Assert.Equal(a.Sources[0].Pm, b.Sources[0].Pm);
        Assert.Equal(a.Sources[1].PmProb, b.Sources[1].PmProb);
        Assert.NotEqual(a.Sources[0].Pm, c.Sources[0].Pm);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_a_message_naming_the_problem()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => Scoring.Run([r1], [r1])).Message, StringComparison.Ordinal);
        Assert.Contains("equal length", Assert.Throws<ArgumentException>(() => Scoring.Run([r1, r2], [r1, r2[..15000]])).Message, StringComparison.Ordinal);
        Assert.Contains("400 ms", Assert.Throws<ArgumentException>(() => Scoring.Run([r1[..4000], r2[..4000]], [r1[..4000], r2[..4000]])).Message, StringComparison.Ordinal);
        Assert.Contains("silent", Assert.Throws<ArgumentException>(() => Scoring.Run([r1, new float[Length]], [r1, r2])).Message, StringComparison.Ordinal);
        var nan = (float[])r2.Clone();
        nan[100] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Scoring.Run([r1, r2], [r1, nan])).Message, StringComparison.Ordinal);
        var apart = Silenced(r1, 25, 49);
        var other = Silenced(r2, 0, 25);
        Assert.Contains("two active", Assert.Throws<ArgumentException>(() => Scoring.Run([apart, other], [apart, other])).Message, StringComparison.Ordinal);
        var trimmed = Scoring.Run([r1, r2], [r1, r2[..15000]], new MapssOptions { TrimToShortest = true });
        Assert.Equal(MapssPreprocessing.EnergyFrameCount(15000), trimmed.FrameCount);
    }
}
