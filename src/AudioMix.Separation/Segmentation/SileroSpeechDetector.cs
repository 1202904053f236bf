using AudioMix.Audio;
using AudioMix.Audio.Dsp;

namespace AudioMix.Separation.Segmentation;

/// <summary>
/// The hysteresis of silero-vad's <c>get_speech_timestamps</c> (utils_vad.py), with its defaults: speech starts at a
/// window whose probability reaches <paramref name="Threshold"/> and ends once it stays below
/// <paramref name="NegThreshold"/> (default <c>max(threshold − 0.15, 0.01)</c>) for <paramref name="MinSilenceSeconds"/>;
/// spans shorter than <paramref name="MinSpeechSeconds"/> are dropped; an overlong span is cut at the last silence of
/// ≥ 98 ms (<c>min_silence_at_max_speech</c>); each span is padded by <paramref name="SpeechPadSeconds"/> (gaps shorter
/// than two pads split in half). <see cref="VocalActivitySegmenter"/> implements that loop (it came from faster-whisper's
/// port of it), so Silero probabilities go through the same code as RMS scores.
/// </summary>
/// <param name="Threshold">Silero's <c>threshold</c> (0.5).</param>
/// <param name="NegThreshold">Silero's <c>neg_threshold</c>; <see langword="null"/> = max(threshold − 0.15, 0.01).</param>
/// <param name="MinSpeechSeconds">Silero's <c>min_speech_duration_ms</c> (250 ms).</param>
/// <param name="MinSilenceSeconds">Silero's <c>min_silence_duration_ms</c> (100 ms).</param>
/// <param name="SpeechPadSeconds">Silero's <c>speech_pad_ms</c> (30 ms).</param>
/// <param name="MaxSegmentSeconds">Silero's <c>max_speech_duration_s</c> plus padding: here the ASR chunk limit (30 s), also the greedy-merge limit.</param>
/// <param name="Merge">Greedily merge consecutive spans into chunks of at most <paramref name="MaxSegmentSeconds"/> (for ASR; Silero itself does not).</param>
public sealed record SileroVadOptions(
    double Threshold = 0.5,
    double? NegThreshold = null,
    double MinSpeechSeconds = 0.25,
    double MinSilenceSeconds = 0.1,
    double SpeechPadSeconds = 0.03,
    double MaxSegmentSeconds = 30,
    bool Merge = true)
{
    /// <summary>The effective <c>neg_threshold</c>.</summary>
    public double EffectiveNegThreshold => NegThreshold ?? Math.Max(Threshold - 0.15, 0.01);

    /// <summary>The same hysteresis as <see cref="VocalActivitySegmenter"/> options over 32 ms probability windows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public VocalActivityOptions ToSegmenterOptions()
    {
        var window = SileroVad.WindowSeconds(16000);
        var options = new VocalActivityOptions(
            FrameSeconds: window,
            HopSeconds: window,
            OnsetThreshold: Threshold,
            OffsetThreshold: EffectiveNegThreshold,
            MinSilenceSeconds: MinSilenceSeconds,
            MaxSegmentSeconds: MaxSegmentSeconds,
            PaddingSeconds: SpeechPadSeconds,
            MinSilenceAtMaxSeconds: 0.098,
            Merge: Merge,
            MinSpeechSeconds: MinSpeechSeconds);
        options.Validate();
        return options;
    }
}

/// <summary>
/// Speech segments of any audio with Silero VAD: down-mixed to mono, resampled to 16 kHz when it is at another rate
/// (8 kHz audio runs at 8 kHz, as the model supports it), probabilities per 32 ms window, then Silero's hysteresis
/// (<see cref="SileroVadOptions"/>).
/// </summary>
public sealed class SileroSpeechDetector
{
    private readonly SileroVad _vad;
    private readonly VocalActivitySegmenter _segmenter;

    /// <summary>A detector over a loaded model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SileroSpeechDetector(SileroVad vad, SileroVadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vad);
        _vad = vad;
        Options = options ?? new SileroVadOptions();
        _segmenter = new VocalActivitySegmenter(Options.ToSegmenterOptions());
    }

    /// <summary>The hysteresis settings.</summary>
    public SileroVadOptions Options { get; }

    /// <summary>The model.</summary>
    public SileroVad Vad => _vad;

    /// <summary>Speech probability per 32 ms window of <paramref name="audio"/> at any rate.</summary>
    public float[] Probabilities(AudioBuffer audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var mono = audio.ToMono();
        if (mono.SampleRate is not (8000 or 16000))
        {
            mono = Resampler.Resample(mono, 16000);
        }

        return _vad.Probabilities(mono);
    }

    /// <summary>Speech segments of <paramref name="audio"/>, seconds (padded; merged when the options say so).</summary>
    public IReadOnlyList<VocalSegment> Segment(AudioBuffer audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return Segment(Probabilities(audio), audio.Duration);
    }

    /// <summary>Speech segments from precomputed probabilities over <paramref name="duration"/> seconds.</summary>
    public IReadOnlyList<VocalSegment> Segment(IReadOnlyList<float> probabilities, double duration)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return _segmenter.Segment([.. probabilities.Select(p => (double)p)], duration);
    }
}
