using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Tests.Loudness;

public sealed class LoudnessNormalizerTests
{
    [Fact]
    public void Gain_is_the_distance_to_the_target()
    {
        Assert.Equal(7.0, LoudnessNormalizer.GainDbToTarget(new LoudnessResult(-30, 0.1), -23), 1e-12);
        Assert.Equal(-5.0, LoudnessNormalizer.GainDbToTarget(new LoudnessResult(-18, 0.5), -23), 1e-12);
    }

    [Fact]
    public void A_peak_ceiling_limits_the_gain()
    {
        // Peak −6 dBFS, loudness −30: +14 dB to reach −16 would put the peak at +8 dBFS; the ceiling −1 allows +5.
        var measured = new LoudnessResult(-30, Math.Pow(10, -6 / 20.0));
        Assert.Equal(5.0, LoudnessNormalizer.GainDbToTarget(measured, -16, -1), 1e-9);

        // A ceiling that is not reached changes nothing.
        Assert.Equal(14.0, LoudnessNormalizer.GainDbToTarget(measured, -16, 10), 1e-9);
    }

    [Fact]
    public void Normalize_reaches_the_target_and_leaves_the_input_alone()
    {
        const int rate = 44100;
        var noise = TestSignals.PinkNoise(rate, 4, -35, 11);
        var input = new AudioBuffer(rate, [noise, (float[])noise.Clone()]);
        var before = input.Clone();

        var output = LoudnessNormalizer.Normalize(input, -23);

        Assert.Equal(-23.0, LoudnessMeter.Measure(output).IntegratedLufs, 0.001);
        Assert.Equal(before.Channels[0], input.Channels[0]);
        Assert.NotSame(input.Channels[0], output.Channels[0]);
    }

    [Fact]
    public void Normalize_with_a_ceiling_keeps_the_sample_peak_at_or_below_it()
    {
        const int rate = 48000;
        var tone = TestSignals.Sine(1000, rate, 2, -30);
        var output = LoudnessNormalizer.Normalize(new AudioBuffer(rate, [tone]), -3, peakCeilingDbfs: -1);

        // −30 dBFS mono tone reads ≈ −33 LUFS: +30 dB would reach −3 LUFS with the peak at 0 dBFS; the ceiling allows +29.
        Assert.True(output.Peak() <= Math.Pow(10, -1 / 20.0), $"peak {output.Peak()}");
        Assert.Equal(-1.0, 20 * Math.Log10(output.Peak()), 0.001);
    }

    [Fact]
    public void Normalizing_silence_is_an_error_that_says_so()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => LoudnessNormalizer.Normalize(AudioBuffer.Silence(16000, 1, 16000), -23));
        Assert.Equal("cannot normalise silence: integrated loudness is -inf", ex.Message);
        Assert.Throws<InvalidOperationException>(() => LoudnessNormalizer.GainDbToTarget(new LoudnessResult(double.NegativeInfinity, 0), -23));
    }

    [Fact]
    public void Non_finite_targets_are_rejected()
    {
        var measured = new LoudnessResult(-20, 0.5);
        Assert.Throws<ArgumentException>(() => LoudnessNormalizer.GainDbToTarget(measured, double.NaN));
        Assert.Throws<ArgumentException>(() => LoudnessNormalizer.GainDbToTarget(measured, -23, double.PositiveInfinity));
    }
}
