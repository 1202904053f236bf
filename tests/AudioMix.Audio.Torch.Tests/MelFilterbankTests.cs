namespace AudioMix.Audio.Torch.Tests;

public sealed class MelFilterbankTests
{
    [Fact]
    public void Hand_computed_reference_values()
    {
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000, MelScale.Slaney), 12);
        Assert.Equal(7.5, MelFilterbank.HzToMel(500, MelScale.Slaney), 12);                  // 500 / (200/3)
        Assert.Equal(42.0, MelFilterbank.HzToMel(6400, MelScale.Slaney), 10);                // 15 + ln(6.4)/(ln(6.4)/27)
        Assert.Equal(6400.0, MelFilterbank.MelToHz(42, MelScale.Slaney), 8);
        Assert.Equal(999.9856, MelFilterbank.HzToMel(1000, MelScale.Htk), 1e-4);            // 2595·log10(1 + 1000/700) = 999.98554
        Assert.Equal(2595 * Math.Log10(2), MelFilterbank.HzToMel(700, MelScale.Htk), 10);    // 781.17…
        Assert.Equal(700.0, MelFilterbank.MelToHz(2595 * Math.Log10(2), MelScale.Htk), 9);
        Assert.Equal(0.0, MelFilterbank.HzToMel(0, MelScale.Htk));
        Assert.Equal(0.0, MelFilterbank.HzToMel(0, MelScale.Slaney));
    }

    [Theory]
    [InlineData(MelScale.Slaney)]
    [InlineData(MelScale.Htk)]
    public void Hz_mel_round_trip_and_monotonic(MelScale scale)
    {
        var previous = -1.0;
        for (var hz = 0.0; hz <= 24_000; hz += 7.3)
        {
            var mel = MelFilterbank.HzToMel(hz, scale);
            Assert.True(mel > previous);
            previous = mel;
            Assert.Equal(hz, MelFilterbank.MelToHz(mel, scale), 1e-9 * Math.Max(1, hz));
        }
    }

    [Fact]
    public void Slaney_scale_is_continuous_at_1kHz()
    {
        var below = MelFilterbank.HzToMel(999.999999, MelScale.Slaney);
        var above = MelFilterbank.HzToMel(1000.000001, MelScale.Slaney);
        Assert.True(Math.Abs(above - below) < 1e-6);
    }

    [Fact]
    public void Linear_region_triangles_match_hand_computed_weights()
    {
        // Slaney, 0–1000 Hz, 14 mels → 16 edges at 0, 1, …, 15 mel = k·200/3 Hz. With sr 16000 and n_fft 2400 the bins
        // are 20/3 Hz apart, so filter m spans bins 10m … 10(m+2) and peaks at bin 10(m+1).
        var bank = MelFilterbank.Create(16_000, 2400, 14, 0, 1000, MelScale.Slaney, MelNorm.None);
        Assert.Equal(14, bank.GetLength(0));
        Assert.Equal(1201, bank.GetLength(1));
        for (var m = 0; m < 14; m++)
        {
            var peak = 10 * (m + 1);
            Assert.Equal(1.0f, bank[m, peak], 5);
            Assert.Equal(0.5f, bank[m, peak - 5], 5);
            Assert.Equal(0.5f, bank[m, peak + 5], 5);
            Assert.Equal(0.3f, bank[m, peak + 7], 5);
            Assert.Equal(0f, bank[m, peak - 10], 6);
            Assert.Equal(0f, bank[m, peak + 10], 6);
        }

        // Slaney norm multiplies each triangle by 2 / (right − left) = 2 / (400/3 Hz) = 0.015.
        var normed = MelFilterbank.Create(16_000, 2400, 14, 0, 1000, MelScale.Slaney, MelNorm.Slaney);
        for (var m = 0; m < 14; m++)
        {
            Assert.Equal(0.015f, normed[m, 10 * (m + 1)], 6);
            Assert.Equal(0.0075f, normed[m, (10 * (m + 1)) + 5], 6);
        }
    }

    [Theory]
    [InlineData(MelScale.Slaney)]
    [InlineData(MelScale.Htk)]
    public void Unnormalised_filters_are_triangles_peaking_near_one(MelScale scale)
    {
        var bank = MelFilterbank.Create(16_000, 4096, 40, 20, 7600, scale, MelNorm.None);
        for (var m = 0; m < 40; m++)
        {
            var row = Enumerable.Range(0, bank.GetLength(1)).Select(k => bank[m, k]).ToArray();
            var argmax = Array.IndexOf(row, row.Max());
            Assert.InRange(row.Max(), 0.9f, 1.0f);
            // Rising then falling over one contiguous support.
            for (var k = 1; k <= argmax; k++)
            {
                Assert.True(row[k] >= row[k - 1]);
            }

            for (var k = argmax + 1; k < row.Length; k++)
            {
                Assert.True(row[k] <= row[k - 1]);
            }
        }
    }

    [Theory]
    [InlineData(MelScale.Slaney)]
    [InlineData(MelScale.Htk)]
    public void Slaney_norm_gives_unit_area_filters(MelScale scale)
    {
        // Area normalisation: peak 2/(f_right − f_left) on a triangle of base (f_right − f_left) → area 1 (in Hz units).
        const int sr = 16_000, nFft = 8192;
        var binHz = (double)sr / nFft;
        var bank = MelFilterbank.Create(sr, nFft, 40, 0, null, scale, MelNorm.Slaney);
        for (var m = 0; m < 40; m++)
        {
            double area = 0;
            for (var k = 0; k < bank.GetLength(1); k++)
            {
                area += bank[m, k] * binHz;
            }

            Assert.InRange(area, 0.98, 1.02);
        }
    }

    [Theory]
    [InlineData(MelScale.Slaney, 0.0, null)]
    [InlineData(MelScale.Htk, 50.0, 7000.0)]
    public void Unnormalised_filters_sum_to_one_across_the_band(MelScale scale, double fMin, double? fMax)
    {
        const int sr = 16_000, nFft = 1024, nMels = 48;
        var bank = MelFilterbank.Create(sr, nFft, nMels, fMin, fMax, scale, MelNorm.None);
        var melLo = MelFilterbank.HzToMel(fMin, scale);
        var melHi = MelFilterbank.HzToMel(fMax ?? sr / 2.0, scale);
        var step = (melHi - melLo) / (nMels + 1);
        var firstCentre = MelFilterbank.MelToHz(melLo + step, scale);
        var lastCentre = MelFilterbank.MelToHz(melLo + (nMels * step), scale);
        var bottom = MelFilterbank.MelToHz(melLo, scale);
        var top = MelFilterbank.MelToHz(melHi, scale);

        for (var k = 0; k < bank.GetLength(1); k++)
        {
            var f = k * (double)sr / nFft;
            double sum = 0;
            for (var m = 0; m < nMels; m++)
            {
                sum += bank[m, k];
            }

            if (f >= firstCentre && f <= lastCentre)
            {
                Assert.Equal(1.0, sum, 5); // adjacent triangles share edges, so they sum to exactly 1
            }
            else if (f > bottom && f < top)
            {
                Assert.True(sum > 0 && sum <= 1.00001, $"bin {k} ({f} Hz) inside the band has weight sum {sum}");
            }
            else
            {
                Assert.Equal(0.0, sum, 6);
            }
        }
    }

    [Fact]
    public void Too_many_mels_for_the_resolution_throws_naming_the_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => MelFilterbank.Create(16_000, 512, 256));
        Assert.Equal("nMels", ex.ParamName);
        Assert.Contains("cover no FFT bin", ex.Message, StringComparison.Ordinal);

        // The same count is fine with a fine enough FFT.
        Assert.Equal(256, MelFilterbank.Create(16_000, 8192, 256).GetLength(0));
    }

    [Fact]
    public void Invalid_arguments_throw_clear_errors()
    {
        var nyq = Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(16_000, 1024, 40, fMax: 9000));
        Assert.Contains("Nyquist", nyq.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(16_000, 1024, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(16_000, 1024, -3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(0, 1024, 40));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(16_000, 1, 40));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.Create(16_000, 1024, 40, fMin: -1));
        Assert.Throws<ArgumentException>(() => MelFilterbank.Create(16_000, 1024, 40, fMin: 5000, fMax: 4000));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.HzToMel(-1, MelScale.Slaney));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.HzToMel(double.NaN, MelScale.Htk));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelFilterbank.MelToHz(-1, MelScale.Htk));
    }
}
