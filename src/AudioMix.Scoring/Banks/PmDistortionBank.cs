using AudioMix.Audio.Augmentation;
using AudioMix.Scoring.Dsp;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Banks;

/// <summary>
/// The Perceptual Match bank (spec §4.2): distortions built independently in every 20 ms frame of the reference
/// (zero-padded to a multiple of 320 samples) from a few global analyses (notch frequencies and low/high-pass
/// cut-offs taken from the reference's spectrum), then reassembled per type. Size 51 + #notches + #LP + #HP.
/// Results are trimmed back to the reference length (fixed frame grid, §5.3 recommendation) and returned before
/// their own loudness normalisation, which the caller applies.
/// </summary>
internal static class PmDistortionBank
{
    private const int Frame = MapssPreprocessing.FrameLength;
    private static readonly double[] Semitones = [-4, -2, 2, 4];
    private static readonly double[] VibratoScales = [1.0, 1.3, 1.6];

    /// <summary>The bank's global analysis of one reference.</summary>
    /// <param name="Notches">Notch centres (Hz), at most 20.</param>
    /// <param name="LowPass">Low-pass cut-offs (Hz), at most 4.</param>
    /// <param name="HighPass">High-pass cut-offs (Hz), at most 4.</param>
    internal sealed record Plan(double[] Notches, double[] LowPass, double[] HighPass)
    {
        /// <summary>The number of distortions the plan yields.</summary>
        public int Size => 51 + Notches.Length + LowPass.Length + HighPass.Length;
    }

    /// <summary>Global analysis of the zero-padded reference (spec §4.2 step 1).</summary>
    public static Plan Analyse(ReadOnlySpan<float> reference)
    {
        var padded = PaddedLength(reference.Length);
        var x = new double[padded];
        for (var i = 0; i < reference.Length; i++)
        {
            x[i] = reference[i];
        }

        double[] magnitude;
        using (NewDisposeScope())
        {
            var spectrum = fft.rfft(tensor(x, dtype: ScalarType.Float64), dim: -1).abs();
            magnitude = spectrum.data<double>().ToArray();
        }

        var binHz = (double)BankMath.Fs / padded;
        var power = magnitude.Select(m => m * m).ToArray();

        // Notches: the 60 strongest bins in (80 Hz, 0.45·fs), greedily kept when > 300 Hz from every kept one.
        var candidates = Enumerable.Range(0, magnitude.Length)
            .Where(k => k * binHz > 80 && k * binHz < 0.45 * BankMath.Fs)
            .OrderByDescending(k => magnitude[k]).ThenBy(k => k)
            .Take(60)
            .Select(k => k * binHz);
        var notches = new List<double>();
        foreach (var f in candidates)
        {
            if (notches.Count < 20 && notches.All(a => Math.Abs(a - f) > 300))
            {
                notches.Add(f);
            }
        }

        var total = power.Sum();
        var lowPass = CutOffs(power, total, [0.50, 0.70, 0.85, 0.95], fromTop: false, binHz);
        var highPass = CutOffs(power, total, [0.05, 0.15, 0.30, 0.50], fromTop: true, binHz);
        return new Plan(
            [.. notches],
            [.. lowPass.Where(fc => fc > 0 && fc < 0.99 * (BankMath.Fs / 2.0))],
            [.. highPass.Where(fc => fc > 20 && fc < BankMath.Fs / 2.0)]);
    }

    /// <summary>Length of the reference zero-padded to whole 320-sample frames.</summary>
    public static int PaddedLength(int n) => Frame * (int)Math.Ceiling(n / (double)Frame);

    /// <summary>Generates the bank for <paramref name="reference"/>; per frame the 24 noise draws come from <paramref name="random"/> in order.</summary>
    public static double[][] Generate(ReadOnlySpan<float> reference, DeterministicRandom random)
    {
        var plan = Analyse(reference);
        var n = reference.Length;
        var padded = PaddedLength(n);
        var frames = padded / Frame;
        var x = new double[padded];
        for (var i = 0; i < n; i++)
        {
            x[i] = reference[i];
        }

        var outputs = new double[plan.Size][];
        for (var d = 0; d < outputs.Length; d++)
        {
            outputs[d] = new double[padded];
        }

        var bandPass = Butterworth.BandPass(5, 0.0025, 0.9);
        var lowPass = plan.LowPass.Select(fc => Butterworth.LowPass(6, fc / (BankMath.Fs / 2.0))).ToArray();
        var highPass = plan.HighPass.Select(fc => Butterworth.HighPass(6, fc / (BankMath.Fs / 2.0))).ToArray();

        // Per-frame levels used by several distortions.
        var aRms = new double[frames];
        var aPk = new double[frames];
        var a95 = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            var frame = x.AsSpan(f * Frame, Frame);
            aRms[f] = Math.Max(BankMath.Rms(frame), 1e-4);
            var peak = 0.0;
            foreach (var v in frame)
            {
                peak = Math.Max(peak, Math.Abs(v));
            }

            aPk[f] = Math.Max(peak, 1e-4);
            a95[f] = Math.Max(BankMath.AbsPercentile(frame, 95), 1e-4);
        }

        // Spectral distortions, batched over frames: notches, pitch shifts and "vibrato" stretches.
        var notchCount = plan.Notches.Length;
        var pitchOffset = notchCount + 5 + 4 + 24 + 4 + 4;
        var clipOffset = pitchOffset + 4 + plan.LowPass.Length + plan.HighPass.Length;
        var vibratoOffset = clipOffset + 3;
        using (NewDisposeScope())
        {
            var frameTensor = tensor(x, dtype: ScalarType.Float64).reshape(frames, Frame);
            for (var i = 0; i < notchCount; i++)
            {
                Scatter(outputs[i], BankMath.Rows(SpectralOps.Notch(frameTensor, plan.Notches[i], 60, BankMath.Fs)));
            }

            for (var i = 0; i < Semitones.Length; i++)
            {
                Scatter(outputs[pitchOffset + i], BankMath.Rows(SpectralOps.PitchShift(frameTensor, Semitones[i], 160)));
            }

            for (var i = 0; i < VibratoScales.Length; i++)
            {
                var rates = new double[frames];
                for (var f = 0; f < frames; f++)
                {
                    var baseDepth = 0.03 * aRms[f] / aPk[f];
                    rates[f] = 1 + Math.Clamp(baseDepth * VibratoScales[i], 0.01, 0.05);
                }

                var (stretched, _) = SpectralOps.TimeStretch(frameTensor, rates, 160);
                Scatter(outputs[vibratoOffset + i], BankMath.Rows(SpectralOps.FixLength(stretched, Frame)));
            }
        }

        var t = new double[Frame];
        for (var k = 0; k < Frame; k++)
        {
            t[k] = (double)k / BankMath.Fs;
        }

        for (var f = 0; f < frames; f++)
        {
            var start = f * Frame;
            var frame = x.AsSpan(start, Frame);
            var d = notchCount;

            // Comb inside the frame.
            foreach (var (ms, g) in new[] { (2.5, 0.4), (5.0, 0.5), (7.5, 0.6), (10.0, 0.7), (12.5, 0.9) })
            {
                var delay = (int)Math.Floor(BankMath.Fs * ms / 1000);
                var y = outputs[d++].AsSpan(start, Frame);
                frame.CopyTo(y);
                for (var k = 0; k < Frame - delay; k++)
                {
                    y[k] += g * frame[k + delay];
                }
            }

            // Tremolo: one gain per frame, taken at the frame centre (piecewise constant, depth 1).
            var centre = (start + (Frame / 2.0)) / BankMath.Fs;
            foreach (var rate in new[] { 1.0, 2.0, 4.0, 6.0 })
            {
                var g = 0.5 * (1 + Math.Sin(2 * Math.PI * rate * centre));
                var y = outputs[d++].AsSpan(start, Frame);
                for (var k = 0; k < Frame; k++)
                {
                    y[k] = frame[k] * g;
                }
            }

            // Noise: fresh draws, band-passed 20–7200 Hz (causal), scaled to RMS A_rms/sqrt(10^(SNR/10)) floored at 15 dB SNR.
            foreach (var (snr, colour) in BankMath.NoiseGrid)
            {
                var noise = Butterworth.Filter(bandPass, BankMath.ColouredNoise(random, Frame, colour));
                var noiseRms = BankMath.Rms(noise);
                var target = Math.Max(aRms[f] / Math.Sqrt(Math.Pow(10, snr / 10)), aRms[f] / Math.Sqrt(Math.Pow(10, 1.5)));
                var scale = noiseRms > 0 ? target / noiseRms : 0;
                var y = outputs[d++].AsSpan(start, Frame);
                for (var k = 0; k < Frame; k++)
                {
                    y[k] = frame[k] + (scale * noise[k]);
                }
            }

            // Harmonic tone relative to the frame RMS, phase restarting each frame.
            foreach (var (hz, rel) in new[] { (100.0, 0.4), (500.0, 0.6), (1000.0, 0.8), (4000.0, 1.0) })
            {
                var y = outputs[d++].AsSpan(start, Frame);
                for (var k = 0; k < Frame; k++)
                {
                    y[k] = frame[k] + (rel * aRms[f] * Math.Sin(2 * Math.PI * hz * t[k]));
                }
            }

            // Noise gate relative to the frame's 95th percentile of |x|.
            foreach (var pct in new[] { 0.05, 0.10, 0.20, 0.40 })
            {
                var thr = pct * a95[f];
                var y = outputs[d++].AsSpan(start, Frame);
                for (var k = 0; k < Frame; k++)
                {
                    y[k] = Math.Abs(frame[k]) < thr ? 0 : frame[k];
                }
            }

            d += 4; // pitch shifts, filled above

            // Butterworth order 6, zero-phase (pad 3·7 = 21).
            foreach (var sections in lowPass.Concat(highPass))
            {
                Butterworth.FiltFilt(sections, frame, 21).CopyTo(outputs[d++].AsSpan(start, Frame));
            }

            // Clipping relative to the 95th percentile.
            foreach (var frac in new[] { 0.70, 0.50, 0.30 })
            {
                var thr = frac * a95[f];
                var y = outputs[d++].AsSpan(start, Frame);
                for (var k = 0; k < Frame; k++)
                {
                    y[k] = Math.Clamp(frame[k], -thr, thr);
                }
            }
        }

        return outputs.Select(o => o.AsSpan(0, n).ToArray()).ToArray();
    }

    private static void Scatter(double[] destination, double[][] frames)
    {
        for (var f = 0; f < frames.Length; f++)
        {
            frames[f].CopyTo(destination, f * Frame);
        }
    }

    private static List<double> CutOffs(double[] power, double total, double[] quantiles, bool fromTop, double binHz)
    {
        var ordered = fromTop ? power.Reverse().ToArray() : power;
        var cumulative = new double[ordered.Length];
        double running = 0;
        for (var k = 0; k < ordered.Length; k++)
        {
            running += ordered[k];
            cumulative[k] = running;
        }

        var result = new SortedSet<double>();
        foreach (var q in quantiles)
        {
            // First index with cumulative ≥ q·total (searchsorted, left side).
            var index = Array.FindIndex(cumulative, c => c >= q * total);
            if (index < 0)
            {
                index = cumulative.Length - 1;
            }

            var bin = fromTop ? power.Length - 1 - index : index;
            result.Add(Math.Round(bin * binHz / 100, MidpointRounding.ToEven) * 100);
        }

        return [.. result];
    }
}
