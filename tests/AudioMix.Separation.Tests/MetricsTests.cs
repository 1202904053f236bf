using AudioMix.Audio;
using AudioMix.Separation.Metrics;
using AudioMix.Separation.Spectral;

namespace AudioMix.Separation.Tests;

public sealed class MetricsTests
{
    private static AudioBuffer Noise(int frames, ulong seed)
    {
        var random = new AudioMix.Audio.Augmentation.DeterministicRandom(seed);
        return new AudioBuffer(16000, [[.. Enumerable.Range(0, frames).Select(_ => (float)random.NextGaussian())]]);
    }

    [Fact]
    public void Si_sdr_ignores_gain_and_measures_the_orthogonal_error()
    {
        var reference = Noise(48000, 1);
        var error = Noise(48000, 2);

        // An estimate 2·s + 0.1·e with e ⟂ s (nearly, for independent noise): SI-SDR ≈ 10·log10(4 / 0.01) = 26 dB.
        var estimate = new AudioBuffer(16000, [[.. reference.Channels[0].Zip(error.Channels[0], (s, e) => (2 * s) + (0.1f * e))]]);
        Assert.Equal(26.0, SeparationMetrics.SiSdr(estimate, reference), 0.3);

        // SDR counts the gain error: ‖s‖² / ‖s − (2s + 0.1e)‖² ≈ 1 / 1.01 → about 0 dB.
        Assert.Equal(-0.04, SeparationMetrics.Sdr(estimate, reference), 0.2);

        var scaled = reference.Clone();
        scaled.ApplyGain(0.3f);
        Assert.True(SeparationMetrics.SiSdr(scaled, reference) > 60);
        Assert.Throws<ArgumentException>(() => SeparationMetrics.SiSdr(reference.Slice(0, 10), reference));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(7, 3)]
    [InlineData(40, 17)]
    [InlineData(3, 31)]
    public void Median_filter_matches_a_sorted_window_with_symmetric_edges(int length, int kernel)
    {
        var random = new AudioMix.Audio.Augmentation.DeterministicRandom((ulong)(length * 100 + kernel));
        var data = new float[2 * 3 * length];
        for (var i = 0; i < data.Length; i++)
        {
            // Few distinct values, so ties are exercised.
            data[i] = random.NextInt(6);
        }

        using var tensor = TorchSharp.torch.tensor(data, [2, 3, length]);
        using var filtered = MedianFilter.Apply(tensor, kernel, 2);
        var actual = filtered.data<float>().ToArray();
        for (var c = 0; c < 2; c++)
        {
            for (var b = 0; b < 3; b++)
            {
                for (var t = 0; t < length; t++)
                {
                    var window = Enumerable.Range(t - (kernel / 2), kernel)
                        .Select(i => data[(((c * 3) + b) * length) + (int)MedianFilter.Reflect(i, length)])
                        .Order().ToArray();
                    Assert.Equal(window[kernel / 2], actual[(((c * 3) + b) * length) + t]);
                }
            }
        }
    }
}
