using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Tests.Augmentation;

public sealed class MixupTests
{
    private static AudioBuffer Sine(int rate, double seconds, double hz, float amplitude, int channels = 1)
    {
        var frames = (int)(rate * seconds);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * MathF.Sin((float)(2 * Math.PI * hz * i / rate));
            }
        }

        return new AudioBuffer(rate, data);
    }

    [Fact]
    public void Plan_is_deterministic_never_pairs_an_item_with_itself_and_balances_anchors()
    {
        var plan = Mixup.Plan(itemCount: 10, count: 100, alpha: 0.4, seed: 7);
        Assert.Equal(plan, Mixup.Plan(10, 100, 0.4, 7));
        Assert.NotEqual(plan, Mixup.Plan(10, 100, 0.4, 8));
        Assert.All(plan, p => Assert.NotEqual(p.Anchor, p.Partner));
        Assert.All(plan.GroupBy(p => p.Anchor), g => Assert.Equal(10, g.Count()));
        Assert.All(plan, p => Assert.InRange(p.Lambda, 0.0, 1.0));
    }

    [Fact]
    public void A_units_lambda_does_not_depend_on_the_number_of_units()
    {
        var short_ = Mixup.Plan(5, 3, 0.4, 11);
        var long_ = Mixup.Plan(5, 30, 0.4, 11);
        Assert.Equal(short_.Select(p => p.Lambda), long_.Take(3).Select(p => p.Lambda));
    }

    [Fact]
    public void Plan_rejects_datasets_too_small_to_mix()
    {
        var ex = Assert.Throws<ArgumentException>(() => Mixup.Plan(1, 5, 0.4, 1));
        Assert.Contains("at least 2 items", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_is_the_lambda_weighted_sum_after_loudness_alignment()
    {
        // Same tone, one 12 dB quieter: after alignment both contribute at the anchor's level.
        var anchor = Sine(16000, 1, 500, 0.4f);
        var partner = Sine(16000, 1, 500, 0.1f);
        var result = Mixup.Mix(anchor, partner, 0.3, new MixupOptions());

        Assert.InRange(result.PartnerGainDb, 11.9, 12.1);
        Assert.Equal(0, result.AnchorGainDb);
        Assert.Equal(0, result.PeakGuardDb);
        // In phase and equally loud: the mix equals the anchor.
        for (var i = 0; i < anchor.Frames; i += 97)
        {
            Assert.Equal(anchor.Channels[0][i], result.Audio.Channels[0][i], 3);
        }
    }

    [Fact]
    public void Target_loudness_sets_both_sources_level()
    {
        var result = Mixup.Mix(Sine(16000, 2, 300, 0.5f), Sine(16000, 2, 300, 0.05f), 0.5, new MixupOptions { TargetLufs = -30 });
        Assert.InRange(LoudnessMeter.Measure(result.Audio).IntegratedLufs, -30.1, -29.9);
    }

    [Fact]
    public void Peak_guard_scales_down_and_reports_it()
    {
        var a = Sine(16000, 1, 200, 0.98f);
        var result = Mixup.Mix(a, a.Clone(), 0.5, new MixupOptions { TargetLufs = -3 });
        Assert.True(result.PeakGuardDb < 0);
        Assert.True(result.Audio.Peak() <= 0.99f + 1e-6f);
    }

    [Theory]
    [InlineData(MixLengthPolicy.Anchor, 16000)]
    [InlineData(MixLengthPolicy.Shortest, 8000)]
    [InlineData(MixLengthPolicy.Longest, 16000)]
    public void Length_policy_decides_the_output_length(MixLengthPolicy policy, int frames)
    {
        var result = Mixup.Mix(Sine(16000, 1, 300, 0.3f), Sine(16000, 0.5, 400, 0.3f), 0.5, new MixupOptions { Length = policy });
        Assert.Equal(frames, result.Audio.Frames);
    }

    [Fact]
    public void Partner_rate_and_channels_follow_the_anchor()
    {
        var result = Mixup.Mix(Sine(16000, 1, 300, 0.3f, channels: 2), Sine(44100, 1, 400, 0.3f), 0.5, new MixupOptions());
        Assert.Equal(16000, result.Audio.SampleRate);
        Assert.Equal(2, result.Audio.ChannelCount);
        Assert.Equal(16000.0 / 44100, result.PartnerResampleRatio, 9);
    }

    [Fact]
    public void Soft_labels_weigh_each_side_and_sum_to_one()
    {
        var labels = Mixup.SoftLabels(["dog"], ["rain", "dog"], 0.7);
        Assert.Equal(0.7 + 0.15, labels["dog"], 9);
        Assert.Equal(0.15, labels["rain"], 9);
        Assert.Equal(1.0, labels.Values.Sum(), 9);
    }

    [Fact]
    public void Bad_parameters_are_rejected_with_their_name()
    {
        var a = Sine(16000, 0.5, 300, 0.3f);
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => Mixup.Mix(a, a, 0.5, new MixupOptions { Alpha = 0 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mixup.Mix(a, a, 1.5, new MixupOptions()));
        Assert.Throws<ArgumentException>(() => Mixup.MatchChannels(Sine(16000, 0.1, 300, 0.3f, channels: 3), 2));
    }
}
