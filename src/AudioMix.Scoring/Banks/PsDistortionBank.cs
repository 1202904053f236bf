using AudioMix.Audio.Augmentation;
using AudioMix.Scoring.Dsp;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Banks;

/// <summary>
/// The Perceptual Separation bank (spec §4.1): 71 whole-signal "fundamental distortions" of a loudness-normalised
/// 16 kHz reference, in the reference implementation's order and with its quirks (advance comb, zip-truncated
/// comb/reverb/echo lists, peak-normalised coloured noise, near-identity "vibrato"). Each result is returned
/// before its own loudness normalisation, which the caller applies.
/// </summary>
internal static class PsDistortionBank
{
    /// <summary>The bank size for any input of at least 400 ms.</summary>
    public const int Size = 71;

    /// <summary>Generates the 71 distortions; the 24 noise draws come from <paramref name="random"/> in bank order.</summary>
    public static double[][] Generate(ReadOnlySpan<float> reference, DeterministicRandom random)
    {
        var n = reference.Length;
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = reference[i];
        }

        var bank = new List<double[]>(Size);
        using var scope = NewDisposeScope();
        var xt = tensor(x, dtype: ScalarType.Float64).unsqueeze(0);

        // 1. Notches: zero |f − c| < 50 Hz of the whole-signal FFT.
        foreach (var centre in new double[] { 500, 1000, 2000, 4000, 8000 })
        {
            bank.Add(BankMath.Rows(SpectralOps.Notch(xt, centre, 50, BankMath.Fs))[0]);
        }

        // 2. Comb ("advance": y[k] = x[k] + g·x[k + D]); 6 delays zipped with 5 gains drops 15 ms.
        foreach (var (ms, g) in new[] { (2.5, 0.4), (5.0, 0.5), (7.5, 0.6), (10.0, 0.7), (12.5, 0.9) })
        {
            var d = (int)Math.Floor(BankMath.Fs * ms / 1000);
            var y = (double[])x.Clone();
            for (var k = 0; k < n - d; k++)
            {
                y[k] += g * x[k + d];
            }

            bank.Add(y);
        }

        // 3. Tremolo: x · [(1 − depth) + depth·½(1 + sin 2π·rate·t)].
        foreach (var (rate, depth) in new[] { (1.0, 0.3), (2.0, 0.5), (4.0, 0.8), (6.0, 1.0) })
        {
            var y = new double[n];
            for (var k = 0; k < n; k++)
            {
                var t = (double)k / BankMath.Fs;
                y[k] = x[k] * ((1 - depth) + (depth * 0.5 * (1 + Math.Sin(2 * Math.PI * rate * t))));
            }

            bank.Add(y);
        }

        // 4. Additive noise: y = x + RMS(x)/sqrt(10^(SNR/10)) · ν.
        var rms = BankMath.Rms(x);
        foreach (var (snr, colour) in BankMath.NoiseGrid)
        {
            var noise = BankMath.ColouredNoise(random, n, colour);
            var scale = rms / Math.Sqrt(Math.Pow(10, snr / 10));
            var y = new double[n];
            for (var k = 0; k < n; k++)
            {
                y[k] = x[k] + (scale * noise[k]);
            }

            bank.Add(y);
        }

        // 5. Harmonic tone at an absolute amplitude.
        foreach (var (f, amp) in new[] { (100.0, 0.02), (500.0, 0.03), (1000.0, 0.05), (4000.0, 0.08) })
        {
            var y = new double[n];
            for (var k = 0; k < n; k++)
            {
                y[k] = x[k] + (amp * Math.Sin(2 * Math.PI * f * k / BankMath.Fs));
            }

            bank.Add(y);
        }

        // 6. Decaying FIR "reverb": h[m] = g·exp(−3m/(L − 1)), first n samples of x ∗ h.
        foreach (var (ms, g) in new[] { (5.0, 0.3), (10.0, 0.5), (15.0, 0.7), (20.0, 0.9) })
        {
            var taps = (int)Math.Floor(BankMath.Fs * ms / 1000);
            var h = new double[taps];
            for (var m = 0; m < taps; m++)
            {
                h[m] = g * Math.Exp(-3.0 * m / (taps - 1));
            }

            var y = new double[n];
            for (var k = 0; k < n; k++)
            {
                double acc = 0;
                var top = Math.Min(taps - 1, k);
                for (var m = 0; m <= top; m++)
                {
                    acc += h[m] * x[k - m];
                }

                y[k] = acc;
            }

            bank.Add(y);
        }

        // 7. Noise gate at absolute thresholds.
        foreach (var thr in new[] { 0.005, 0.01, 0.02, 0.04 })
        {
            bank.Add(x.Select(v => Math.Abs(v) < thr ? 0 : v).ToArray());
        }

        // 8. Pitch shift (librosa: n_fft = min(2048, n/2), hop n_fft/4).
        var nFft = Math.Min(2048, n / 2);
        foreach (var steps in new double[] { -4, -2, 2, 4 })
        {
            bank.Add(BankMath.Rows(SpectralOps.PitchShift(xt, steps, nFft))[0]);
        }

        // 9–10. Butterworth order 4, zero-phase (filtfilt pad 3·max(len a, len b) = 15).
        foreach (var fc in new double[] { 2000, 3000, 4000, 6000 })
        {
            bank.Add(Butterworth.FiltFilt(Butterworth.LowPass(4, fc / (BankMath.Fs / 2.0)), x, 15));
        }

        foreach (var fc in new double[] { 100, 300, 500, 800 })
        {
            bank.Add(Butterworth.FiltFilt(Butterworth.HighPass(4, fc / (BankMath.Fs / 2.0)), x, 15));
        }

        // 11. Echo y[k] = x[k] + g·x[k − D] (the 20 ms entry is dropped by zip).
        foreach (var (ms, g) in new[] { (5.0, 0.3), (10.0, 0.5), (15.0, 0.7) })
        {
            var d = (int)Math.Floor(BankMath.Fs * ms / 1000);
            var y = (double[])x.Clone();
            for (var k = d; k < n; k++)
            {
                y[k] += g * x[k - d];
            }

            bank.Add(y);
        }

        // 12. Hard clipping at absolute thresholds.
        foreach (var thr in new[] { 0.3, 0.5, 0.7 })
        {
            bank.Add(x.Select(v => Math.Clamp(v, -thr, thr)).ToArray());
        }

        // 13. "Vibrato": a phase-vocoder stretch by 1 + mean(depth·sin 2π·rate·t) ≈ 1, padded/trimmed to n.
        foreach (var (rate, depth) in new[] { (3.0, 0.001), (5.0, 0.002), (7.0, 0.003) })
        {
            double mean = 0;
            for (var k = 0; k < n; k++)
            {
                mean += depth * Math.Sin(2 * Math.PI * rate * k / BankMath.Fs);
            }

            var factor = 1 + (mean / n);
            bank.Add(BankMath.Rows(SpectralOps.FixLength(SpectralOps.TimeStretch(xt, [factor], nFft).Stretched, n))[0]);
        }

        return [.. bank];
    }
}
