namespace AudioMix.Audio.Loudness;

/// <summary>Gain computation and application for loudness normalisation (EBU R 128 style, integrated loudness).</summary>
public static class LoudnessNormalizer
{
    /// <summary>
    /// The gain in dB that brings <paramref name="measured"/> to <paramref name="targetLufs"/>. With a
    /// <paramref name="peakCeilingDbfs"/>, the gain is lowered where needed so that the sample peak after
    /// the gain stays at or below the ceiling (the result then undershoots the target).
    /// </summary>
    /// <exception cref="InvalidOperationException">The measurement is of silence (integrated loudness −∞).</exception>
    /// <exception cref="ArgumentException">The target or ceiling is not a finite number.</exception>
    public static double GainDbToTarget(LoudnessResult measured, double targetLufs, double? peakCeilingDbfs = null)
    {
        ArgumentNullException.ThrowIfNull(measured);
        if (!double.IsFinite(targetLufs))
        {
            throw new ArgumentException($"Target loudness must be a finite LUFS value (got {targetLufs}).", nameof(targetLufs));
        }

        if (peakCeilingDbfs is { } c && !double.IsFinite(c))
        {
            throw new ArgumentException($"Peak ceiling must be a finite dBFS value (got {c}).", nameof(peakCeilingDbfs));
        }

        if (double.IsNegativeInfinity(measured.IntegratedLufs))
        {
            throw new InvalidOperationException("cannot normalise silence: integrated loudness is -inf");
        }

        if (!double.IsFinite(measured.IntegratedLufs))
        {
            throw new ArgumentException($"Measured integrated loudness is not a finite number ({measured.IntegratedLufs}).", nameof(measured));
        }

        var gain = targetLufs - measured.IntegratedLufs;
        if (peakCeilingDbfs is { } ceiling && measured.SamplePeak > 0)
        {
            gain = Math.Min(gain, ceiling - measured.SamplePeakDbfs);
        }

        return gain;
    }

    /// <summary>
    /// Measures <paramref name="buffer"/> and returns a new buffer scaled to <paramref name="targetLufs"/>
    /// (see <see cref="GainDbToTarget"/> for the peak ceiling). The input is not modified.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is silent (integrated loudness −∞): there is no gain that reaches a target.</exception>
    public static AudioBuffer Normalize(AudioBuffer buffer, double targetLufs, double? peakCeilingDbfs = null)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var measured = LoudnessMeter.Measure(buffer);
        var gainDb = GainDbToTarget(measured, targetLufs, peakCeilingDbfs);
        var result = buffer.Clone();
        result.ApplyGain((float)Math.Pow(10, gainDb / 20));

        // Float rounding of gain × sample can overshoot the ceiling by an ulp; pull it back so the
        // promise "peak ≤ ceiling" holds exactly on the returned samples.
        if (peakCeilingDbfs is { } ceiling)
        {
            var limit = Math.Pow(10, ceiling / 20);
            for (var guard = 0; guard < 8 && result.Peak() > limit; guard++)
            {
                result.ApplyGain((float)(limit / result.Peak()) * (1 - 1e-7f));
            }
        }

        return result;
    }
}
