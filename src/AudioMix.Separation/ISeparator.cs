using AudioMix.Audio;

namespace AudioMix.Separation;

/// <summary>
/// Splits a mixture into named stems (e.g. "percussive"/"harmonic", "vocals"/"accompaniment"). Stems keep the
/// mixture's sample rate, channel count and length.
/// </summary>
public interface ISeparator : IDisposable
{
    /// <summary>The method name used in recipes, the CLI and provenance (e.g. "hpss").</summary>
    string Method { get; }

    /// <summary>The stems this separator produces, in output order.</summary>
    IReadOnlyList<string> StemNames { get; }

    /// <summary>The effective parameters, by name, for provenance (numbers and strings).</summary>
    IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>Separates a whole buffer held in memory.</summary>
    /// <exception cref="ArgumentException">The mixture is too short or has a channel layout the method cannot use.</exception>
    IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default);

    /// <summary>
    /// Separates a stream of consecutive blocks (any sizes, one sample rate and channel count) without holding it
    /// whole: <paramref name="onStemBlock"/> receives each stem's audio in order, in blocks, as it becomes final.
    /// The concatenated output equals <see cref="Separate(AudioBuffer, CancellationToken)"/> of the concatenated
    /// input within float tolerance.
    /// </summary>
    void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default);
}
