using System.Globalization;
using AudioMix.Scoring.Dsp;

namespace AudioMix.Scoring.Tests;

/// <summary>Spec §15 B.13–14 (statistical): PS falls as leakage grows, PM falls as distortion grows. 1 s sources.</summary>
public sealed class MonotonicityTests(ITestOutputHelper output)
{
    private const int Length = 16000;

    private static void AssertNonIncreasing(List<double> means, string what)
    {
        for (var i = 1; i < means.Count; i++)
        {
            Assert.True(means[i] <= means[i - 1] + 1e-9, $"{what}: {string.Join(" → ", means.Select(m => m.ToString("F4", CultureInfo.InvariantCulture)))}");
        }

        Assert.True(means[^1] < means[0] - 0.1, $"{what} barely moves: {string.Join(" → ", means.Select(m => m.ToString("F4", CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Mean_PS_falls_as_the_other_source_leaks_into_the_output()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        var means = new List<double>();
        foreach (var g in new[] { 0, 0.03, 0.1, 0.3, 1 })
        {
            means.Add(Scoring.Run([r1, r2], [Signals.Add(r1, r2, g), r2]).Sources[0].MeanPs);
        }

        output.WriteLine(string.Join(", ", means));
        AssertNonIncreasing(means, "PS₁ over leakage 0, 0.03, 0.1, 0.3, 1");
    }

    [Fact]
    public void Mean_PM_falls_as_the_output_gets_noisier()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        var means = new List<double>();
        foreach (var snr in new[] { 40.0, 20, 10, 0, -10 })
        {
            means.Add(Scoring.Run([r1, r2], [Signals.WithNoise(r1, snr, 11), r2]).Sources[0].MeanPm);
        }

        output.WriteLine(string.Join(", ", means));
        AssertNonIncreasing(means, "PM₁ over SNR 40, 20, 10, 0, −10 dB");
    }

    [Fact]
    public void Mean_PM_falls_as_the_output_loses_bandwidth()
    {
        var r1 = Signals.Source1(Length);
        var r2 = Signals.Source2(Length);
        var x = r1.Select(v => (double)v).ToArray();
        var means = new List<double>();
        foreach (var cutoff in new[] { 6000.0, 4000, 2000, 1000 })
        {
            var filtered = Butterworth.FiltFilt(Butterworth.LowPass(6, cutoff / 8000), x, 21).Select(v => (float)v).ToArray();
            means.Add(Scoring.Run([r1, r2], [filtered, r2]).Sources[0].MeanPm);
        }

        output.WriteLine(string.Join(", ", means));
        AssertNonIncreasing(means, "PM₁ over low-pass 6, 4, 2, 1 kHz");
    }
}
