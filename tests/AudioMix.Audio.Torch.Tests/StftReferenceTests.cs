using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

public sealed class StftReferenceTests
{
    [Theory]
    [InlineData(256, 64, null)]
    [InlineData(200, 50, null)]
    [InlineData(256, 100, 160)]
    public void Forward_matches_managed_double_precision_dft(int nFft, int hop, int? win)
    {
        var x = TestSignals.Add(TestSignals.Noise(1500, seed: 42, amplitude: 0.5f), TestSignals.Chirp(1500, 100, 6000, 16_000, 0.5f));
        var (re, im) = ReferenceStft.Compute(x, nFft, hop, win);

        using var stft = new Stft(new StftOptions(nFft, hop, win));
        using var scope = torch.NewDisposeScope();
        var spec = stft.Forward(torch.tensor(x));
        var bins = re.GetLength(0);
        var frames = re.GetLength(1);
        Assert.Equal(new long[] { bins, frames }, spec.shape);

        var ri = TensorInterop.ToArray(torch.view_as_real(spec)); // [bins, frames, 2] row-major
        double maxErr = 0;
        for (var k = 0; k < bins; k++)
        {
            for (var t = 0; t < frames; t++)
            {
                var i = ((k * frames) + t) * 2;
                maxErr = Math.Max(maxErr, Math.Abs(ri[i] - re[k, t]));
                maxErr = Math.Max(maxErr, Math.Abs(ri[i + 1] - im[k, t]));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"n_fft={nFft} hop={hop} win={win}: max |torch − reference| = {maxErr:E2}");
        Assert.True(maxErr < 1e-4, $"max error vs reference DFT {maxErr:E3} ≥ 1e-4");
    }

    [Theory]
    [InlineData(16_000, 512, 1000.0, 32)]   // exactly bin 32 (31.25 Hz spacing)
    [InlineData(16_000, 512, 3000.0, 96)]
    [InlineData(22_050, 1024, 440.0, 20)]   // 440 / 21.53 = 20.43 → nearest bin 20
    public void Sine_energy_peaks_in_the_expected_bin(int sampleRate, int nFft, double freq, int expectedBin)
    {
        using var stft = new Stft(new StftOptions(nFft, nFft / 4));
        var mag = stft.Magnitude(TestSignals.Sine(sampleRate / 2, freq, sampleRate));
        var bins = mag.GetLength(0);
        var frames = mag.GetLength(1);
        var t = frames / 2; // an interior frame, away from the reflect-padded edges
        var best = 0;
        for (var k = 1; k < bins; k++)
        {
            if (mag[k, t] > mag[best, t])
            {
                best = k;
            }
        }

        Assert.Equal(expectedBin, best);

        // Energy concentrates around the peak: the Hann main lobe is ±2 bins wide.
        double total = 0, near = 0;
        for (var k = 0; k < bins; k++)
        {
            var e = (double)mag[k, t] * mag[k, t];
            total += e;
            if (Math.Abs(k - expectedBin) <= 2)
            {
                near += e;
            }
        }

        Assert.True(near / total > 0.99, $"only {near / total:P2} of the energy is within ±2 bins of the peak");
    }
}

public sealed class StftAmplitudeTests
{
    [Fact]
    public void Bin_centred_sine_has_magnitude_A_times_N_over_4()
    {
        // A periodic Hann window sums to N/2, so a bin-centred sine of amplitude A gives |X[k]| = A·N/4.
        using var stft = new Stft(new StftOptions(512, 128));
        var mag = stft.Magnitude(TestSignals.Sine(8000, 1000, 16_000, amplitude: 0.5f, phase: 0.3));
        var frames = mag.GetLength(1);
        Assert.Equal(0.5 * 512 / 4, mag[32, frames / 2], 0.01 * 64);
    }
}
