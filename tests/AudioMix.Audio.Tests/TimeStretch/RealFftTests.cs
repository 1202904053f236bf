using AudioMix.Audio.Dsp.TimeStretch;

namespace AudioMix.Audio.Tests.TimeStretch;

public sealed class RealFftTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(2048)]
    public void Forward_matches_a_direct_dft_and_inverse_round_trips(int n)
    {
        var rng = new Random(7);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var fft = new RealFft(n);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        fft.Forward(x, re, im);
        var maxError = 0.0;
        for (var k = 0; k < fft.Bins; k++)
        {
            double sr = 0, si = 0;
            for (var t = 0; t < n; t++)
            {
                var a = -2 * Math.PI * k * t / n;
                sr += x[t] * Math.Cos(a);
                si += x[t] * Math.Sin(a);
            }

            maxError = Math.Max(maxError, Math.Max(Math.Abs(sr - re[k]), Math.Abs(si - im[k])));
        }

        Assert.True(maxError < 1e-9 * n, $"max DFT error {maxError}");

        var back = new float[n];
        fft.Inverse(re, im, back);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i], back[i], 1e-5f);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(1000)]
    public void Sizes_that_are_not_powers_of_two_are_rejected(int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(n));
    }
}
