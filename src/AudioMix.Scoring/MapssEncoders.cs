using AudioMix.Audio.Torch;
using AudioMix.Scoring.Encoders;

namespace AudioMix.Scoring;

/// <summary>Creates encoders from their configuration text.</summary>
public static class MapssEncoders
{
    /// <summary>
    /// <c>"raw"</c> → <see cref="RawFrameEncoder"/>; <c>"torchscript:PATH"</c> → <see cref="TorchScriptEncoder"/> returning hidden
    /// state <paramref name="layer"/>, with per-signal input standardisation (wav2vec2-style feature extractors).
    /// The device comes from <see cref="TorchRuntime.ResolveDevice"/> (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>auto</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown encoder text, or a TorchScript file that cannot be loaded.</exception>
    /// <exception cref="FileNotFoundException">The TorchScript file does not exist.</exception>
    public static IMapssEncoder Create(string spec, string? device, int layer = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var torchDevice = TorchRuntime.ResolveDevice(device);
        if (spec == "raw")
        {
            return new RawFrameEncoder(torchDevice);
        }

        const string prefix = "torchscript:";
        if (spec.StartsWith(prefix, StringComparison.Ordinal) && spec.Length > prefix.Length)
        {
            return new TorchScriptEncoder(spec[prefix.Length..], layer, torchDevice, normalizeInput: true);
        }

        throw new ArgumentException($"Unknown encoder '{spec}': use \"raw\" or \"torchscript:PATH\".", nameof(spec));
    }
}
