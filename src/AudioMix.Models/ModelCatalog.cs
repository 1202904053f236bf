using System.Reflection;

namespace AudioMix.Models;

/// <summary>The models this build of AudioMix pins: <c>infra/models/*.json</c>, embedded at build time.</summary>
public static class ModelCatalog
{
    private const string ResourcePrefix = "AudioMix.Models.Pins.";

    /// <summary>Silero VAD v5 (speech probability per 32 ms window).</summary>
    public const string SileroVad = "silero-vad";

    /// <summary>Hybrid Transformer Demucs v4 (4-stem music separation); research-only weights, installed only on acceptance.</summary>
    public const string HtDemucs = "htdemucs";

    private static readonly Lazy<IReadOnlyDictionary<string, ModelPin>> Pins = new(Load);

    /// <summary>Every pinned model by name.</summary>
    public static IReadOnlyDictionary<string, ModelPin> Pinned => Pins.Value;

    /// <summary>The pin named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No model of that name is pinned.</exception>
    public static ModelPin Get(string name) =>
        Pinned.TryGetValue(name, out var pin)
            ? pin
            : throw new ArgumentException($"No model '{name}' is pinned (pinned: {string.Join(", ", Pinned.Keys)}).", nameof(name));

    private static SortedDictionary<string, ModelPin> Load()
    {
        var assembly = typeof(ModelCatalog).Assembly;
        var pins = new SortedDictionary<string, ModelPin>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var pin = ModelPin.Parse(reader.ReadToEnd(), resource[ResourcePrefix.Length..]);
            pins.Add(pin.Name, pin);
        }

        return pins;
    }
}
