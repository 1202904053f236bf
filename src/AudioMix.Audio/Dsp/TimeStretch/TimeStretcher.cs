namespace AudioMix.Audio.Dsp.TimeStretch;

/// <summary>
/// Time-scale modification (tempo change without pitch change) for tempo matching, e.g. before
/// beat-synchronous mixup. Pure managed code, deterministic (same input and ratio → bit-identical output).
/// </summary>
public static class TimeStretcher
{
    /// <summary>Smallest accepted ratio (4× faster).</summary>
    public const double MinRatio = 0.25;

    /// <summary>Largest accepted ratio (4× slower).</summary>
    public const double MaxRatio = 4.0;

    /// <summary>Ratios this close to 1 return an unmodified copy.</summary>
    public const double IdentityTolerance = 1e-6;

    /// <summary>
    /// Stretches <paramref name="input"/> in time by <paramref name="ratio"/> = output duration / input duration
    /// (ratio &gt; 1 slows down, &lt; 1 speeds up; to match a partner at tempo T_p to an anchor at T_a use
    /// ratio = T_p / T_a). The pitch is unchanged. The output has exactly round(Frames·ratio) frames
    /// (away from zero at .5), the same rate and channel count; all channels share one frame grid
    /// (and, for WSOLA, one set of offsets chosen on the channel sum), so identical channels stay identical.
    /// Any input length works: an empty input gives an empty output, and inputs shorter than one analysis
    /// frame are zero-padded internally and come out as the stretched (faded-edge) content.
    /// If |ratio − 1| ≤ <see cref="IdentityTolerance"/> a copy of the input (same length) is returned.
    /// </summary>
    /// <param name="input">The audio to stretch (not modified).</param>
    /// <param name="ratio">Output duration / input duration, in [<see cref="MinRatio"/>, <see cref="MaxRatio"/>].</param>
    /// <param name="method">Phase vocoder (default, best for music) or WSOLA (fast, transients, speech, ratios near 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not finite or outside [0.25, 4], or the method is unknown.</exception>
    /// <exception cref="ArgumentException">The stretched length would not fit in one array.</exception>
    public static AudioBuffer Stretch(AudioBuffer input, double ratio, TimeStretchMethod method = TimeStretchMethod.PhaseVocoder)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!double.IsFinite(ratio) || ratio < MinRatio || ratio > MaxRatio)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ratio), ratio, $"Time-stretch ratio must be a finite number between {MinRatio} and {MaxRatio} (output duration / input duration).");
        }

        if (method is not (TimeStretchMethod.PhaseVocoder or TimeStretchMethod.Wsola))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown time-stretch method.");
        }

        if (Math.Abs(ratio - 1) <= IdentityTolerance)
        {
            return input.Clone();
        }

        var exactFrames = Math.Round(input.Frames * ratio, MidpointRounding.AwayFromZero);
        if (exactFrames > Array.MaxLength / 2)
        {
            throw new ArgumentException(
                $"Stretching {input.Frames} frames by {ratio} would give {exactFrames} frames, more than one buffer can hold.", nameof(input));
        }

        var outFrames = (int)exactFrames;
        if (input.Frames == 0 || outFrames == 0)
        {
            return AudioBuffer.Silence(input.SampleRate, input.ChannelCount, outFrames);
        }

        var channels = method == TimeStretchMethod.Wsola
            ? Wsola.Stretch(input.Channels, input.SampleRate, ratio, outFrames)
            : PhaseVocoder.Stretch(input.Channels, input.SampleRate, ratio, outFrames);
        return new AudioBuffer(input.SampleRate, channels);
    }
}
