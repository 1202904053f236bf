namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>
/// Waveform-similarity overlap-add (Verhelst &amp; Roelands, "An overlap-add technique based on waveform
/// similarity (WSOLA) for high quality time-scale modification of speech", ICASSP 1993).
/// <para>
/// Hann frames of N = 1024 samples at 44.1 kHz (scaled by rate), synthesis hop Hs = N/2, nominal analysis
/// hop Ha = Hs/ratio, tolerance Δ = N/4. Output frame m is centred at m·Hs; its input frame is centred at
/// round(m·Ha) + δ_m, where δ_m ∈ [−Δ, Δ] maximises the cross-correlation between that candidate and
/// the "natural progression" of the previous frame (the input that followed it, i.e. centred at
/// round((m−1)·Ha) + δ_{m−1} + Hs), so consecutive frames overlap in phase. The search runs on the sum of
/// the channels and the chosen δ is applied to every channel, so channels stay sample-aligned. Output is
/// normalised by the overlap-added window Σ_m w(t − m·Hs) (constant 1 for a periodic Hann at N/2 hop).
/// </para>
/// </summary>
internal static class Wsola
{
    /// <summary>Stretches every channel with shared offsets; returns <paramref name="outFrames"/> samples per channel.</summary>
    public static float[][] Stretch(float[][] channels, int sampleRate, double ratio, int outFrames)
    {
        var n = FrameSizes.Scaled(1024, sampleRate);
        var hs = n / 2;
        var tolerance = n / 4;
        var ha = hs / ratio;
        var half = n / 2;
        var frameCount = ((outFrames + half - 1) / hs) + 1;
        var inFrames = channels[0].Length;

        // Zero padding so every candidate read [centre − N/2 − Δ, centre + N/2 + Δ + Hs) stays in range.
        var front = half + (2 * tolerance) + hs;
        var lastCentre = (int)Math.Round((frameCount - 1) * ha);
        var padded = front + Math.Max(inFrames, lastCentre + half + (2 * tolerance) + hs) + 1;
        var mono = new float[padded];
        foreach (var ch in channels)
        {
            for (var i = 0; i < inFrames; i++)
            {
                mono[front + i] += ch[i];
            }
        }

        // Choose the offsets once, on the channel sum.
        var starts = new int[frameCount]; // padded index where each frame's input starts
        starts[0] = front - half;
        for (var m = 1; m < frameCount; m++)
        {
            var natural = new ReadOnlySpan<float>(mono, starts[m - 1] + hs, n);
            var nominal = front + (int)Math.Round(m * ha) - half;
            var best = 0;
            var bestScore = float.NegativeInfinity;
            for (var delta = -tolerance; delta <= tolerance; delta++)
            {
                // FloatDot: summation order independent of alignment, so the choice is reproducible.
                var score = FloatDot.Dot(new ReadOnlySpan<float>(mono, nominal + delta, n), natural);
                // Ties (e.g. silence) go to the offset nearest the nominal position.
                if (score > bestScore || (score == bestScore && Math.Abs(delta) < Math.Abs(best)))
                {
                    bestScore = score;
                    best = delta;
                }
            }

            starts[m] = nominal + best;
        }

        var window = FrameSizes.PeriodicHann(n);
        var length = ((frameCount - 1) * hs) + n;
        var wsum = new float[length];
        for (var m = 0; m < frameCount; m++)
        {
            for (var i = 0; i < n; i++)
            {
                wsum[(m * hs) + i] += window[i];
            }
        }

        var output = new float[channels.Length][];
        var src = new float[padded];
        var acc = new float[length];
        for (var c = 0; c < channels.Length; c++)
        {
            Array.Clear(src);
            Array.Clear(acc);
            channels[c].CopyTo(src, front);
            for (var m = 0; m < frameCount; m++)
            {
                var o = m * hs;
                var s = starts[m];
                for (var i = 0; i < n; i++)
                {
                    acc[o + i] += src[s + i] * window[i];
                }
            }

            var y = new float[outFrames];
            for (var t = 0; t < outFrames; t++)
            {
                var w = wsum[t + half];
                y[t] = w > 1e-3f ? acc[t + half] / w : 0f;
            }

            output[c] = y;
        }

        return output;
    }
}
