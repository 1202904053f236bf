using AudioMix.Audio.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Dsp;

/// <summary>
/// Batched spectral distortions on float64 tensors <c>[batch, samples]</c>: FFT notches, librosa-style phase-vocoder
/// time stretching and pitch shifting (Flanagan &amp; Golden 1966; Laroche &amp; Dolson 1999 phase propagation as
/// librosa's <c>phase_vocoder</c> does it), and FFT (band-limited) resampling. Callers own the dispose scope.
/// </summary>
internal static class SpectralOps
{
    /// <summary>Zeroes the real-FFT bins with |f − centre| &lt; <paramref name="halfWidthHz"/> (strict) and inverts to the same length.</summary>
    public static Tensor Notch(Tensor x, double centreHz, double halfWidthHz, int sampleRate)
    {
        var n = x.shape[^1];
        var spectrum = fft.rfft(x, dim: -1);
        var bins = spectrum.shape[^1];
        var freqs = KeptScalars.Range(bins, x.device, ScalarType.Float64).Times((double)sampleRate / n);
        var keep = freqs.Plus(-centreHz).abs().AtLeastValue(halfWidthHz);
        return fft.irfft(spectrum * keep.to(spectrum.dtype), n, dim: -1);
    }

    /// <summary>
    /// Phase-vocoder time stretch of every row by its own <paramref name="rates"/> (rate &gt; 1 shortens), with a
    /// centred, zero-padded STFT (periodic Hann, hop n_fft/4). Row b's result has round(n / rate_b) samples
    /// (round half to even, as Python's <c>round</c>); the returned tensor is as wide as the longest row and zero beyond each row's length.
    /// </summary>
    public static (Tensor Stretched, int[] Lengths) TimeStretch(Tensor x, double[] rates, int nFft)
    {
        var batch = (int)x.shape[0];
        var n = x.shape[^1];
        var hop = nFft / 4;
        var window = hann_window(nFft, dtype: ScalarType.Float64, device: x.device);
        var spec = stft(x, nFft, hop, nFft, window, center: true, pad_mode: PaddingModes.Constant, onesided: true, return_complex: true);
        var bins = spec.shape[1];
        var frames = (int)spec.shape[2];

        var lengths = rates.Select(r => (int)Math.Round(n / r, MidpointRounding.ToEven)).ToArray();
        var steps = rates.Select(r => (int)Math.Ceiling(frames / r)).Max();

        // Time steps t_i = i·rate per row; librosa pads two zero columns, here enough for every row's last step.
        var stepTimes = new double[batch * steps];
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < steps; i++)
            {
                stepTimes[(b * steps) + i] = i * rates[b];
            }
        }

        var t = tensor(stepTimes, dtype: ScalarType.Float64, device: x.device).reshape(batch, steps);
        var maxIndex = frames + 1;
        var i0 = t.floor().AtMost((double)maxIndex).to(ScalarType.Int64);
        var i1 = t.floor().Plus(1.0).AtMost((double)maxIndex).to(ScalarType.Int64);
        var alpha = t - t.floor();
        var padded = nn.functional.pad(spec, [0, 2]);

        Tensor Gather(Tensor index) => padded.gather(2, index.unsqueeze(1).expand(batch, bins, steps));
        var c0 = Gather(i0);
        var c1 = Gather(i1);
        var a = alpha.unsqueeze(1);
        var magnitude = (a.SubtractedFrom(1) * c0.abs()).Plus(a * c1.abs());

        var phiAdvance = linspace(0, Math.PI * hop, bins, dtype: ScalarType.Float64, device: x.device).reshape(1, bins, 1);
        var dphase = c1.angle() - c0.angle() - phiAdvance;
        dphase -= dphase.DividedBy(2 * Math.PI).round().Times(2 * Math.PI);
        var increments = phiAdvance.Plus(dphase);

        // Phase at step i = phase of the first frame + Σ_{s<i} (advance + wrapped deviation).
        var accumulated = increments.cumsum(2) - increments;
        var phase = spec.select(2, 0).angle().unsqueeze(2).Plus(accumulated);
        var stretched = polar(magnitude, phase);

        var maxLength = lengths.Max();
        var y = istft(stretched, nFft, hop, nFft, window, center: true, length: maxLength);
        var lengthMask = KeptScalars.Range(maxLength, x.device).unsqueeze(0) < tensor(lengths.Select(l => (long)l).ToArray(), device: x.device).unsqueeze(1);
        return (y * lengthMask.to(ScalarType.Float64), lengths);
    }

    /// <summary>Pads with zeros or trims the last dimension to <paramref name="length"/> (librosa <c>fix_length</c>).</summary>
    public static Tensor FixLength(Tensor x, long length)
    {
        var n = x.shape[^1];
        return n == length ? x : n > length ? x.narrow(-1, 0, length) : nn.functional.pad(x, [0, length - n]);
    }

    /// <summary>Band-limited resampling of every row from <paramref name="inLength"/> to <paramref name="outLength"/> samples by truncating or zero-extending the spectrum.</summary>
    public static Tensor FourierResample(Tensor x, long inLength, long outLength)
    {
        var spectrum = fft.rfft(x.narrow(-1, 0, inLength), dim: -1);
        var bins = outLength / 2 + 1;
        var have = spectrum.shape[^1];
        var resized = have >= bins ? spectrum.narrow(-1, 0, bins) : nn.functional.pad(spectrum, [0, bins - have]);
        return fft.irfft(resized, outLength, dim: -1).Times((double)outLength / inLength);
    }

    /// <summary>
    /// librosa <c>pitch_shift</c>: time stretch by 2^(−steps/12), resample the stretched signal back by that ratio
    /// (here band-limited FFT resampling in place of soxr), then fix the length to the input's.
    /// </summary>
    public static Tensor PitchShift(Tensor x, double semitones, int nFft)
    {
        var batch = (int)x.shape[0];
        var n = x.shape[^1];
        var rate = Math.Pow(2, -semitones / 12);
        var (stretched, lengths) = TimeStretch(x, Enumerable.Repeat(rate, batch).ToArray(), nFft);
        var outLength = (long)Math.Ceiling(lengths[0] * rate);
        return FixLength(FourierResample(stretched, lengths[0], outLength), n);
    }
}
