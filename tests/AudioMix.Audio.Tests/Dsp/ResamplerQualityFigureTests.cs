using AudioMix.Audio.Dsp;

namespace AudioMix.Audio.Tests.Dsp;

/// <summary>
/// Measures the figures <see cref="ResamplerQuality"/> documents, with sine sweeps through the
/// real resampler, and holds each quality to them.
/// </summary>
public sealed class ResamplerQualityFigureTests
{
    // Stated figures per quality: max passband deviation (dB) up to the passband edge, and minimum
    // rejection (dB, relative to the input tone) of everything that is not the wanted tone: aliases of
    // tones above the output Nyquist when down-sampling, images when up-sampling.
    private static (double PassEdge, double RippleDb, double RejectionDb) Stated(ResamplerQuality q) => q switch
    {
        ResamplerQuality.Fast => (0.80, 0.01, 58),
        ResamplerQuality.Balanced => (0.90, 0.001, 82),
        _ => (0.95, 0.0001, 105),
    };

    public static TheoryData<ResamplerQuality, int, int> Cases()
    {
        var data = new TheoryData<ResamplerQuality, int, int>();
        foreach (var q in Enum.GetValues<ResamplerQuality>())
        {
            data.Add(q, 44100, 16000);
            data.Add(q, 16000, 44100);
            data.Add(q, 48000, 44100);
            data.Add(q, 44100, 48001); // huge L: interpolated phase table
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Passband_ripple_and_stopband_rejection_meet_the_stated_figures(ResamplerQuality quality, int inRate, int outRate)
    {
        var (passEdge, rippleDb, rejectionDb) = Stated(quality);
        var nyquist = Math.Min(inRate, outRate) / 2.0;
        var frames = inRate / 4;

        var worstRipple = 0.0;
        var worstResidual = double.NegativeInfinity;
        for (var k = 0; k < 24; k++)
        {
            // Passband tones from 20 Hz to the passband edge, off the bin grid on purpose.
            var f = 20 + ((passEdge * nyquist - 20) * k / 23.0);
            var (amp, residual) = Measure(f, inRate, outRate, frames, quality);
            worstRipple = Math.Max(worstRipple, Math.Abs(SignalMath.Db(amp)));
            worstResidual = Math.Max(worstResidual, SignalMath.Db(residual * Math.Sqrt(2))); // images (up) / errors
        }

        if (inRate > outRate)
        {
            // Tones between the output Nyquist and the input Nyquist must vanish (no alias).
            var outNyquist = outRate / 2.0;
            // Dense just above the stopband edge (where a Kaiser design's sidelobes peak), then spread out.
            var top = 0.99 * inRate / 2;
            for (var k = 0; k < 40; k++)
            {
                var f = k < 20
                    ? outNyquist + 1 + (0.05 * outNyquist * k / 19.0)
                    : (1.05 * outNyquist) + ((top - (1.05 * outNyquist)) * (k - 20) / 19.0);
                var (_, residual) = Measure(f, inRate, outRate, frames, quality);
                worstResidual = Math.Max(worstResidual, SignalMath.Db(residual * Math.Sqrt(2)));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{quality} {inRate}->{outRate}: ripple {worstRipple:0.000000} dB, worst alias/image {worstResidual:0.0} dB");
        Assert.True(worstRipple <= rippleDb, $"passband ripple {worstRipple} dB > {rippleDb} dB");
        Assert.True(worstResidual <= -rejectionDb, $"rejection only {-worstResidual:0.0} dB < {rejectionDb} dB");
    }

    [Fact]
    public void High_quality_attenuates_a_12_kHz_tone_by_more_than_100_dB_going_to_16_kHz()
    {
        var input = new AudioBuffer(44100, [SignalMath.Sine(12000, 44100, 44100)]);
        var output = Resampler.Resample(input, 16000);
        var (_, residual) = SignalMath.FitTone(output.Channels[0], 16000, 12000, 2000, 12000);
        Assert.True(SignalMath.Db(residual * Math.Sqrt(2)) < -100, $"12 kHz leaks at {SignalMath.Db(residual * Math.Sqrt(2)):0.0} dB");
    }

    private static (double Amplitude, double ResidualRms) Measure(double f, int inRate, int outRate, int frames, ResamplerQuality quality)
    {
        var input = new AudioBuffer(inRate, [SignalMath.Sine(f, inRate, frames, phase: 0.3)]);
        var output = Resampler.Resample(input, outRate, quality);
        var margin = output.Frames / 5; // well clear of the filter's edge transients
        return SignalMath.FitTone(output.Channels[0], outRate, f, margin, output.Frames - (2 * margin));
    }
}
