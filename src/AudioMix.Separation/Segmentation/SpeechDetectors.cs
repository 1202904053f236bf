using AudioMix.Models;

namespace AudioMix.Separation.Segmentation;

/// <summary>The speech detectors segmentation can use, by the names recipes and the CLI give them.</summary>
public static class SpeechDetectors
{
    /// <summary>RMS-VAD (<see cref="VocalActivitySegmenter"/>): weight-free, needs no model.</summary>
    public const string Rms = "rms";

    /// <summary>Silero VAD v5 (<see cref="SileroSpeechDetector"/>): the pinned model.</summary>
    public const string Silero = "silero";

    /// <summary>Both names.</summary>
    public static IReadOnlyList<string> All { get; } = [Silero, Rms];

    /// <summary>Silero when the pinned model is installed in <paramref name="store"/>, else RMS.</summary>
    public static string Default(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.IsInstalled(ModelCatalog.SileroVad) ? Silero : Rms;
    }
}
