using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

public sealed class LogMelSpectrogramTests
{
    [Theory]
    [InlineData(MelScale.Slaney, MelNorm.Slaney)]
    [InlineData(MelScale.Htk, MelNorm.None)]
    public void One_kHz_sine_peaks_in_the_band_containing_1kHz(MelScale scale, MelNorm norm)
    {
        const int sr = 16_000, nMels = 64;
        var options = new LogMelOptions(sr, FftSize: 1024, HopLength: 256, NMels: nMels, Scale: scale, Norm: norm);
        using var logMel = new LogMelSpectrogram(options);
        var db = logMel.Compute(TestSignals.Sine(sr, 1000, sr));
        Assert.Equal(nMels, db.GetLength(0));
        Assert.Equal(1 + (sr / 256), db.GetLength(1));

        var t = db.GetLength(1) / 2;
        var best = 0;
        for (var m = 1; m < nMels; m++)
        {
            if (db[m, t] > db[best, t])
            {
                best = m;
            }
        }

        var melHi = MelFilterbank.HzToMel(sr / 2.0, scale);
        var step = melHi / (nMels + 1);
        var left = MelFilterbank.MelToHz(best * step, scale);
        var centre = MelFilterbank.MelToHz((best + 1) * step, scale);
        var right = MelFilterbank.MelToHz((best + 2) * step, scale);
        Assert.InRange(1000.0, left, right);
        Assert.True(Math.Abs(centre - 1000) <= (right - left) / 2, $"peak band {best} centred at {centre:F1} Hz is not the nearest to 1 kHz");
    }

    [Fact]
    public void Top_db_clips_to_max_minus_top_db()
    {
        const int sr = 16_000;
        var x = new float[sr];
        TestSignals.Sine(sr / 2, 440, sr).CopyTo(x, 0); // second half is digital silence → 10·log10(amin) = −100 dB

        using var unclipped = new LogMelSpectrogram(new LogMelOptions(sr, 1024, 256, 40, TopDb: null));
        var raw = unclipped.Compute(x);
        var rawValues = raw.Cast<float>().ToArray();
        Assert.Equal(-100f, rawValues.Min(), 3);

        foreach (var topDb in new[] { 80.0, 20.0 })
        {
            using var clipped = new LogMelSpectrogram(new LogMelOptions(sr, 1024, 256, 40, TopDb: topDb));
            var values = clipped.Compute(x).Cast<float>().ToArray();
            var max = values.Max();
            Assert.Equal(rawValues.Max(), max, 4);
            Assert.Equal(max - topDb, values.Min(), 3);
            // Everything above the floor is untouched.
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal(Math.Max(rawValues[i], max - (float)topDb), values[i], 3);
            }
        }
    }

    public static TheoryData<LogMelOptions> ReferenceConfigs() => new()
    {
        new LogMelOptions(16_000, FftSize: 512, HopLength: 128, NMels: 40),
        new LogMelOptions(16_000, FftSize: 400, HopLength: 160, NMels: 32, FMin: 60, FMax: 7600, Scale: MelScale.Htk, Norm: MelNorm.None),
        new LogMelOptions(22_050, FftSize: 512, HopLength: 256, NMels: 24, Power: 1.0, TopDb: 60),
    };

    [Theory]
    [MemberData(nameof(ReferenceConfigs))]
    public void Matches_managed_reference_pipeline(LogMelOptions options)
    {
        var n = options.SampleRate / 4;
        var x = TestSignals.Add(
            TestSignals.Noise(n, seed: 77, amplitude: 0.05f),
            TestSignals.Add(TestSignals.Sine(n, 440, options.SampleRate), TestSignals.Chirp(n, 200, 5000, options.SampleRate, 0.3f)));
        var expected = ReferenceStft.LogMel(x, options);

        using var logMel = new LogMelSpectrogram(options);
        var actual = logMel.Compute(x);
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        double maxErr = 0;
        for (var m = 0; m < expected.GetLength(0); m++)
        {
            for (var t = 0; t < expected.GetLength(1); t++)
            {
                maxErr = Math.Max(maxErr, Math.Abs(expected[m, t] - actual[m, t]));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{options}: max |torch − reference| = {maxErr:E2} dB");
        Assert.True(maxErr < 0.01, $"log-mel differs from the reference by {maxErr:E3} dB");
    }

    [Fact]
    public void Batched_tensor_input_matches_per_item_and_uses_per_item_top_db()
    {
        const int sr = 16_000, n = 8000;
        using var logMel = new LogMelSpectrogram(new LogMelOptions(sr, 512, 128, 40, TopDb: 50));
        var loud = TestSignals.Sine(n, 1000, sr, amplitude: 0.9f);
        var quiet = TestSignals.Noise(n, seed: 3, amplitude: 0.001f);

        using var scope = torch.NewDisposeScope();
        var batch = torch.tensor(loud.Concat(quiet).ToArray(), [2L, (long)n]);
        var db = logMel.Compute(batch);
        Assert.Equal(new long[] { 2, 40, 1 + (n / 128) }, db.shape);
        Assert.Equal(torch.ScalarType.Float32, db.dtype);

        var loudAlone = logMel.Compute(loud);
        var quietAlone = logMel.Compute(quiet);
        var rows = TensorInterop.ToArray(db);
        var perItem = loudAlone.Cast<float>().Concat(quietAlone.Cast<float>()).ToArray();
        Assert.True(TestSignals.MaxAbsDiff(perItem, rows) < 1e-3);
    }

    [Fact]
    public void Invalid_options_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions(16_000, Power: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions(16_000, AminDb: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions(16_000, TopDb: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions(16_000, FMax: 8001)));
        Assert.Throws<ArgumentException>(() => new LogMelSpectrogram(new LogMelOptions(16_000, FftSize: 256, NMels: 128)));
    }
}
