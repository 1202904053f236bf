namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>
/// Phase-vocoder time-scale modification with identity phase locking.
/// <para>
/// Frame grid: Hann analysis and synthesis windows of N = 2048 samples at 44.1 kHz (scaled to the same
/// duration at other rates), synthesis hop Hs = N/4, analysis hop Ha = Hs/ratio. Synthesis frame m is
/// centred at output sample m·Hs and reads the input frame centred at round(m·Ha), so output time t maps
/// to input time t/ratio and the output is exactly round(frames·ratio) long. The signal is zero-padded
/// at both ends (centred frames, as librosa's stft), which is why inputs shorter than one frame work.
/// </para>
/// <para>
/// Instantaneous frequency: instead of differencing consecutive analysis frames (whose distance Ha
/// reaches N at ratio 0.25 and would alias the frequency estimate), every frame is paired with a
/// second frame d = Hs samples earlier; ω_inst = ω_k + princarg(φ − φ_d − d·ω_k)/d is unambiguous
/// within ±N/(2d) = ±2 bins of the bin centre, i.e. across a Hann main lobe, for every ratio.
/// </para>
/// <para>
/// Identity phase locking (Laroche &amp; Dolson, "Improved phase vocoder time-scale modification of
/// audio", IEEE TSAP 7(3), 1999 / WASPAA 1999): peaks are bins larger than their two neighbours on
/// each side; only peak phases are propagated, φ_out[p] = φ_out,prev[p] + Hs·ω_inst[p]; every bin k in
/// the region of influence of p (bounded by the midpoints to the neighbouring peaks) is rotated by the
/// same angle, φ_out[k] = φ_out[p] + φ_in[k] − φ_in[p], preserving the within-peak phase relations of
/// the analysis frame (less "phasiness" than the plain PV of Flanagan &amp; Golden / Dolson 1986).
/// </para>
/// <para>
/// Transients: an onset detector on the channel sum (energy rise of the first difference, see
/// <see cref="DetectOnsets"/>) triggers a phase reset (the transient-preservation idea of Röbel 2003 and
/// Rubber Band) on every frame whose window holds the onset: the analysis phases are kept and each such
/// frame is shifted in time (a linear phase) so the onset lands at exactly t·ratio. Decisions are made on
/// the channel sum and shared by all channels so they stay aligned. Output is normalised by the overlap-added squared window, Σ_m w²(t − m·Hs).
/// </para>
/// </summary>
internal static class PhaseVocoder
{
    /// <summary>Energy rise (10 dB) over the recent past that marks an onset block.</summary>
    internal const double OnsetRise = 10.0;

    /// <summary>Stretches every channel on a shared frame grid; returns <paramref name="outFrames"/> samples per channel.</summary>
    public static float[][] Stretch(float[][] channels, int sampleRate, double ratio, int outFrames, bool transientReset = true)
    {
        var n = FrameSizes.Scaled(2048, sampleRate);
        var hs = n / 4;
        var d = hs;
        var ha = hs / ratio;
        var frameCount = ((outFrames + (n / 2) - 1) / hs) + 1;
        var centres = new int[frameCount];
        for (var m = 0; m < frameCount; m++)
        {
            centres[m] = (int)Math.Round(m * ha);
        }

        var inFrames = channels[0].Length;
        var front = (n / 2) + d;
        var padded = front + Math.Max(inFrames, centres[^1] + (n / 2)) + 1;
        var window = FrameSizes.PeriodicHann(n);

        // Per frame: the input time of the onset it resets on, or NaN for a normal frame.
        var resets = new double[frameCount];
        Array.Fill(resets, double.NaN);
        if (transientReset)
        {
            var mono = new float[padded];
            foreach (var ch in channels)
            {
                for (var i = 0; i < inFrames; i++)
                {
                    mono[front + i] += ch[i];
                }
            }

            DetectOnsets(mono, front, inFrames, centres, n, resets);
        }

        var output = new float[channels.Length][];
        Parallel.For(0, channels.Length, c =>
        {
            var src = new float[padded];
            channels[c].CopyTo(src, front);
            output[c] = StretchChannel(src, front, centres, resets, n, hs, d, window, outFrames, ratio);
        });
        return output;
    }

    /// <summary>
    /// Marks the frames to phase-reset, with the onset time each one resets on. Onsets come from the energy
    /// of the first difference (a cheap high-frequency emphasis, so attacks stand out over sustained bass)
    /// in blocks of N/8: a block is an onset when its energy exceeds <see cref="OnsetRise"/> times the mean
    /// of the previous four blocks and is within 50 dB of the loudest block, and the block before was not
    /// one. The onset time is the block centre (±N/16, i.e. ±2.9 ms at 44.1 kHz before scaling by
    /// |ratio − 1|). Marked: the first frame whose window holds the whole block and every later frame whose
    /// window still holds the onset.
    /// </summary>
    private static void DetectOnsets(float[] mono, int front, int inFrames, int[] centres, int n, double[] resets)
    {
        var block = n / 8;
        var blocks = (inFrames + block - 1) / block;
        if (blocks < 2)
        {
            return;
        }

        var energy = new double[blocks];
        var loudest = 0.0;
        for (var b = 0; b < blocks; b++)
        {
            double e = 0;
            var end = Math.Min(inFrames, (b + 1) * block);
            for (var i = b * block; i < end; i++)
            {
                double v = mono[front + i] - mono[front + i - 1];
                e += v * v;
            }

            energy[b] = e;
            loudest = Math.Max(loudest, e);
        }

        var floor = loudest * 1e-5;
        var previous = false;
        var m = 0;
        for (var b = 0; b < blocks; b++)
        {
            double before = 0;
            var count = 0;
            for (var j = Math.Max(0, b - 4); j < b; j++)
            {
                before += energy[j];
                count++;
            }

            before = count > 0 ? before / count : 0;
            var onset = energy[b] > floor && energy[b] > OnsetRise * before;
            if (onset && !previous)
            {
                // The first frame whose window holds the whole onset block.
                var t = (b + 1) * block;
                while (m < centres.Length && centres[m] + (n / 2) < t)
                {
                    m++;
                }

                // ... and every later frame whose window still holds the onset.
                var onsetTime = (b * block) + (block / 2.0);
                for (var k = m; k < centres.Length && centres[k] - (n / 2) <= onsetTime; k++)
                {
                    if (double.IsNaN(resets[k]))
                    {
                        resets[k] = onsetTime;
                    }
                }
            }

            previous = onset;
        }
    }

    private static void Analyse(RealFft fft, float[] src, int start, float[] window, float[] frame, double[] re, double[] im)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = src[start + i] * window[i];
        }

        fft.Forward(frame, re, im);
    }

    private static float[] StretchChannel(
        float[] src, int front, int[] centres, double[] resets, int n, int hs, int d, float[] window, int outFrames, double ratio)
    {
        var fft = new RealFft(n);
        var bins = fft.Bins;
        var frame = new float[n];
        var re = new double[bins];
        var im = new double[bins];
        var pre = new double[bins];
        var pim = new double[bins];
        var mag = new double[bins];
        var phaseOut = new double[bins];
        var peaks = new int[bins];
        var half = n / 2;
        var acc = new double[outFrames + n + ((centres.Length + 1) * hs)];
        var wsum = new double[acc.Length];

        for (var m = 0; m < centres.Length; m++)
        {
            var start = front + centres[m] - half;
            Analyse(fft, src, start, window, frame, re, im);
            if (m == 0)
            {
                for (var k = 0; k < bins; k++)
                {
                    phaseOut[k] = Math.Atan2(im[k], re[k]);
                }
            }
            else if (!double.IsNaN(resets[m]))
            {
                // Phase reset on every frame that holds the onset. Left alone, such a frame would put the
                // onset at output m·Hs + (t − c_m), off the time map t·ratio by τ = (t − c_m)(ratio − 1); a
                // linear phase −ω_k·τ shifts the whole frame by exactly τ, so all these frames place the
                // attack on the same output sample (no smearing, no pre-echo). For a stationary partial the
                // shifts differ by c_{m+1} − c_m − Hs between neighbours, which turns its input advance
                // ω·(c_{m+1} − c_m) into ω·Hs: the correct synthesis advance, so tones stay continuous too.
                // The frames after the onset continue from these phases by normal propagation.
                var t = resets[m];
                var tau = (t * ratio) - (m * hs) - (t - centres[m]);
                for (var k = 0; k < bins; k++)
                {
                    var magnitude = Math.Sqrt((re[k] * re[k]) + (im[k] * im[k]));
                    var phase = PrincipalArgument(Math.Atan2(im[k], re[k]) - (2 * Math.PI * k / n * tau));
                    phaseOut[k] = phase;
                    (var sin, var cos) = Math.SinCos(phase);
                    re[k] = magnitude * cos;
                    im[k] = magnitude * sin;
                }

                im[0] = 0;
                im[bins - 1] = 0;
            }
            else
            {
                Analyse(fft, src, start - d, window, frame, pre, pim);
                LockPhases(re, im, pre, pim, mag, phaseOut, peaks, n, hs, d);
            }

            fft.Inverse(re, im, frame);
            var offset = m * hs; // acc index of output sample (m·Hs − N/2) + N/2
            for (var i = 0; i < n; i++)
            {
                acc[offset + i] += frame[i] * window[i];
                wsum[offset + i] += window[i] * window[i];
            }
        }

        var y = new float[outFrames];
        for (var t = 0; t < outFrames; t++)
        {
            var w = wsum[t + half];
            y[t] = w > 1e-3 ? (float)(acc[t + half] / w) : 0f;
        }

        return y;
    }

    /// <summary>Laroche–Dolson identity phase locking; rewrites (re, im) in place to the synthesis spectrum.</summary>
    private static void LockPhases(
        double[] re, double[] im, double[] pre, double[] pim, double[] mag, double[] phaseOut, int[] peaks, int n, int hs, int d)
    {
        var bins = re.Length;
        for (var k = 0; k < bins; k++)
        {
            mag[k] = (re[k] * re[k]) + (im[k] * im[k]);
        }

        var count = 0;
        for (var k = 0; k < bins; k++)
        {
            var v = mag[k];
            if (v <= 0)
            {
                continue;
            }

            // Strictly above the left neighbours, not below the right ones: one peak per plateau.
            if ((k >= 1 && mag[k - 1] >= v) || (k >= 2 && mag[k - 2] >= v)
                || (k + 1 < bins && mag[k + 1] > v) || (k + 2 < bins && mag[k + 2] > v))
            {
                continue;
            }

            peaks[count++] = k;
        }

        if (count == 0)
        {
            for (var k = 0; k < bins; k++)
            {
                phaseOut[k] = Math.Atan2(im[k], re[k]);
            }

            return;
        }

        var lo = 0;
        for (var j = 0; j < count; j++)
        {
            var p = peaks[j];
            var hi = j + 1 < count ? (p + peaks[j + 1]) / 2 : bins - 1;
            var phiIn = Math.Atan2(im[p], re[p]);
            var phiD = Math.Atan2(pim[p], pre[p]);
            var omega = 2 * Math.PI * p / n;
            var omegaInst = omega + (PrincipalArgument(phiIn - phiD - (d * omega)) / d);
            var phiPeak = PrincipalArgument(phaseOut[p] + (hs * omegaInst));
            var theta = phiPeak - phiIn;
            var (sin, cos) = Math.SinCos(theta);
            for (var k = lo; k <= hi; k++)
            {
                var r = re[k];
                var i = im[k];
                phaseOut[k] = PrincipalArgument(Math.Atan2(i, r) + theta);
                re[k] = (r * cos) - (i * sin);
                im[k] = (r * sin) + (i * cos);
            }

            lo = hi + 1;
        }

        // DC and Nyquist of a real signal must stay real; project them back (tiny energy at most).
        im[0] = 0;
        im[bins - 1] = 0;
    }

    private static double PrincipalArgument(double x) => x - (2 * Math.PI * Math.Round(x / (2 * Math.PI)));
}
