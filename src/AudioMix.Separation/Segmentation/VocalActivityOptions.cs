namespace AudioMix.Separation.Segmentation;

/// <summary>
/// RMS vocal-activity detection on separated vocals, with the parameters of Syed et al. (ICME 2025 workshop,
/// "Exploiting Music Source Separation for Automatic Lyrics Transcription with Whisper", <c>get_speech_timestamps_rms</c>,
/// itself adapted from faster-whisper's Silero VAD logic).
/// </summary>
/// <param name="FrameSeconds">RMS frame length (2048 samples at 16 kHz = 128 ms).</param>
/// <param name="HopSeconds">RMS hop (512 samples at 16 kHz = 32 ms).</param>
/// <param name="OnsetThreshold">A segment starts where RMS ÷ max RMS reaches this.</param>
/// <param name="OffsetThreshold">Frames below this count as silence.</param>
/// <param name="MinSilenceSeconds">Continuous silence that ends a segment.</param>
/// <param name="MaxSegmentSeconds">Longest segment (and merged chunk); a longer run is cut (see <see cref="VocalActivitySegmenter"/>).</param>
/// <param name="PaddingSeconds">Added on both sides of each segment (gaps shorter than twice this are split in half).</param>
/// <param name="MinSilenceAtMaxSeconds">Silence long enough to be a cut point when a segment overflows (98 ms).</param>
/// <param name="Merge">Greedily merge consecutive segments into chunks no longer than <paramref name="MaxSegmentSeconds"/>.</param>
/// <param name="MinSpeechSeconds">Detected spans shorter than this (before padding) are dropped (Silero's min_speech_duration; 0 = keep all, as the paper).</param>
/// <param name="Score">What the thresholds compare: RMS relative to the track's peak (the paper) or the vocals' share of the mixture.</param>
public sealed record VocalActivityOptions(
    double FrameSeconds = 0.128,
    double HopSeconds = 0.032,
    double OnsetThreshold = 0.1,
    double OffsetThreshold = 0.1,
    double MinSilenceSeconds = 1.0,
    double MaxSegmentSeconds = 30.0,
    double PaddingSeconds = 0.2,
    double MinSilenceAtMaxSeconds = 0.098,
    bool Merge = true,
    VocalActivityScore Score = VocalActivityScore.Peak,
    double MinSpeechSeconds = 0)
{
    internal void Validate()
    {
        Positive(FrameSeconds, nameof(FrameSeconds), 10);
        Positive(HopSeconds, nameof(HopSeconds), 10);
        if (HopSeconds > FrameSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(HopSeconds), HopSeconds, "HopSeconds must not exceed FrameSeconds.");
        }

        Positive(OnsetThreshold, nameof(OnsetThreshold), 1);
        Positive(OffsetThreshold, nameof(OffsetThreshold), 1);
        if (OffsetThreshold > OnsetThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(OffsetThreshold), OffsetThreshold, "OffsetThreshold must not exceed OnsetThreshold.");
        }

        Positive(MinSilenceSeconds, nameof(MinSilenceSeconds), 600);
        Positive(MaxSegmentSeconds, nameof(MaxSegmentSeconds), 3600);
        if (!double.IsFinite(PaddingSeconds) || PaddingSeconds < 0 || (2 * PaddingSeconds) + HopSeconds >= MaxSegmentSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(PaddingSeconds), PaddingSeconds, "PaddingSeconds must be ≥ 0 and leave room inside MaxSegmentSeconds.");
        }

        Positive(MinSilenceAtMaxSeconds, nameof(MinSilenceAtMaxSeconds), 600);
        if (!double.IsFinite(MinSpeechSeconds) || MinSpeechSeconds < 0 || MinSpeechSeconds > MaxSegmentSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSpeechSeconds), MinSpeechSeconds, "MinSpeechSeconds must be between 0 and MaxSegmentSeconds.");
        }
    }

    private static void Positive(double value, string name, double max)
    {
        if (!double.IsFinite(value) || value <= 0 || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than 0 and at most {max}.");
        }
    }
}

/// <summary>How a frame's vocal activity is scored before the onset/offset thresholds.</summary>
public enum VocalActivityScore
{
    /// <summary>
    /// RMS ÷ the loudest frame's RMS (Syed et al.): right for clean vocals (e.g. from Demucs), but with a weight-free
    /// separator the accompaniment that leaks into the vocals sits well above 0.1 of the peak, so every frame is "voice".
    /// </summary>
    Peak,

    /// <summary>
    /// Vocals RMS ÷ mixture RMS in the same frame: the share of what is heard that the separator calls voice. Leakage
    /// lowers it evenly instead of filling the silences, so it still separates speech from accompaniment-only frames.
    /// </summary>
    Share,
}

/// <summary>A span of the source, seconds, with the transcript text that overlaps it (when known).</summary>
/// <param name="Start">Start, seconds from the beginning of the source.</param>
/// <param name="End">End, seconds.</param>
/// <param name="Text">Text of the timed transcript lines assigned to this span, in order, space-joined; <see langword="null"/> when the source has no timed transcript.</param>
public sealed record VocalSegment(double Start, double End, string? Text = null)
{
    /// <summary>End − Start.</summary>
    public double Duration => End - Start;
}

/// <summary>One line of a timed transcript.</summary>
/// <param name="Start">Start, seconds.</param>
/// <param name="End">End, seconds.</param>
/// <param name="Text">The words.</param>
public sealed record TranscriptLine(double Start, double End, string Text);
