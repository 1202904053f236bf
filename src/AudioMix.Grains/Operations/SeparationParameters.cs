using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Torch;
using AudioMix.Separation;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The separator parameters shared by <c>separate</c> and <c>segment_vocals</c>: <c>method</c> (hpss | repet-sim |
/// two-stage-hpss | midside), STFT size and hop, Wiener passes, and each method's own settings (see the options records
/// in AudioMix.Separation for meanings and defaults). Unknown names, and names of another method's settings, are errors.
/// </summary>
internal static class SeparationParameters
{
    private static readonly string[] Shared = ["fftSize", "hopLength", "wienerIterations", "wienerWindowSeconds"];

    /// <summary>The parameters each method reads besides <c>method</c>; giving another method's is an error.</summary>
    private static readonly Dictionary<string, string[]> PerMethod = new(StringComparer.Ordinal)
    {
        ["hpss"] = [.. Shared, "harmonicKernelSeconds", "percussiveKernelHz", "power", "margin"],
        ["repet-sim"] = [.. Shared, "similarityThreshold", "minDistanceSeconds", "maxRepeatingFrames", "highPassHz", "searchWindowSeconds"],
        ["two-stage-hpss"] =
        [
            "longWindowSeconds", "longHarmonicKernelSeconds", "longPercussiveKernelHz",
            "shortWindowSeconds", "shortHarmonicKernelSeconds", "shortPercussiveKernelHz", "power", "centreStereo",
        ],
        ["midside"] = [.. Shared, "power", "smoothingSeconds"],
    };

    public static readonly string[] Names = ["method", .. PerMethod.Values.SelectMany(n => n).Distinct(StringComparer.Ordinal)];

    /// <summary>A factory for the configured separator (validated now, created per unit: separators are not thread-safe).</summary>
    public static Func<ISeparator> Read(OperationParameters p, string defaultMethod)
    {
        var method = p.Choice("method", defaultMethod, [.. SeparatorFactory.BuiltInMethods]);
        p.RejectAny($"method '{method}'", Names.Skip(1).Except(PerMethod[method], StringComparer.Ordinal));
        var fft = p.WholeNumber("fftSize", method == "hpss" ? new HpssOptions().FftSize : 2048, 256, 16384);
        var hop = p.WholeNumber("hopLength", fft / 4, 64, fft / 2);
        var wiener = p.WholeNumber("wienerIterations", 0, 0, 3);
        var wienerWindow = p.Number("wienerWindowSeconds", 1.0, 0.05, 10);

        // Options are validated here so a bad recipe fails at submission, not at the first unit.
        try
        {
            switch (method)
            {
                case "hpss":
                    var hpss = new HpssOptions(
                        fft, hop, p.Number("harmonicKernelSeconds", new HpssOptions().HarmonicKernelSeconds, 0.01, 5),
                        p.Number("percussiveKernelHz", new HpssOptions().PercussiveKernelHz, 10, 5000),
                        p.Number("power", 2, 0.5, 20), p.Number("margin", 1, 1, 10), false, wiener, wienerWindow);
                    SeparatorFactory.Hpss(hpss).Dispose();
                    return () => SeparatorFactory.Hpss(hpss, Device());
                case "repet-sim":
                    var repet = new RepetSimOptions(
                        fft, hop, p.Number("similarityThreshold", 0, -1, 1), p.Number("minDistanceSeconds", 1, 0.05, 30),
                        p.WholeNumber("maxRepeatingFrames", 100, 1, 1000), p.Number("highPassHz", 100, 0, 2000),
                        p.Number("searchWindowSeconds", 10, 1, 120), wiener, wienerWindow);
                    SeparatorFactory.RepetSim(repet).Dispose();
                    return () => SeparatorFactory.RepetSim(repet, Device());
                case "two-stage-hpss":
                    // Its windows are in seconds (fftSize/hopLength/Wiener settings are rejected above).
                    var d = new TwoStageHpssOptions();
                    var twoStage = new TwoStageHpssOptions(
                        p.Number("longWindowSeconds", d.LongWindowSeconds, 0.02, 1.5),
                        p.Number("longHarmonicKernelSeconds", d.LongHarmonicKernelSeconds, 0.05, 20),
                        p.Number("longPercussiveKernelHz", d.LongPercussiveKernelHz, 5, 5000),
                        p.Number("shortWindowSeconds", d.ShortWindowSeconds, 0.005, 0.5),
                        p.Number("shortHarmonicKernelSeconds", d.ShortHarmonicKernelSeconds, 0.01, 5),
                        p.Number("shortPercussiveKernelHz", d.ShortPercussiveKernelHz, 10, 10000),
                        p.Number("power", d.Power, 0.5, 20),
                        p.Flag("centreStereo", d.CentreStereo));
                    SeparatorFactory.TwoStageHpss(twoStage).Dispose();
                    return () => SeparatorFactory.TwoStageHpss(twoStage, Device());
                case "midside":
                    var midside = new MidSideOptions(fft, hop, p.Number("power", 2, 0.5, 20), p.Number("smoothingSeconds", 0.05, 0, 2), wiener, wienerWindow);
                    SeparatorFactory.MidSide(midside).Dispose();
                    return () => SeparatorFactory.MidSide(midside, Device());
                default:
                    throw new ArgumentException($"{method}: no parameters are defined for this method.");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{method}: {ex.Message}", ex);
        }
    }

    /// <summary>"auto": CUDA where this silo has it, else CPU (the TorchSharp backend is chosen at build time).</summary>
    private static TorchSharp.torch.Device Device() => TorchRuntime.ResolveDevice("auto");

    /// <summary>The separator's method and parameters as provenance.</summary>
    public static JsonObject Describe(ISeparator separator)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in separator.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            parameters[name] = value switch
            {
                int i => i,
                double d => d,
                _ => value.ToString(),
            };
        }

        return new JsonObject { ["method"] = separator.Method, ["parameters"] = parameters, ["stems"] = new JsonArray([.. separator.StemNames.Select(s => (JsonNode)s)]) };
    }

    /// <summary>Separates <paramref name="mixture"/> block by block, writing each stem as a WAV blob as it is produced.</summary>
    public static async Task<IReadOnlyDictionary<string, AudioBuffer>> SeparateAsync(
        ISeparator separator, AudioBuffer mixture, CancellationToken cancellationToken)
    {
        // Stems of one dataset item are kept as buffers (the item itself already is one); long-file streaming to
        // disk is the CLI's path.
        var parts = new Dictionary<string, List<AudioBuffer>>(StringComparer.Ordinal);
        await Task.Run(() => separator.Separate(
            Blocks(mixture),
            (stem, block) =>
            {
                if (!parts.TryGetValue(stem, out var list))
                {
                    parts[stem] = list = [];
                }

                list.Add(block);
            },
            cancellationToken), cancellationToken).ConfigureAwait(false);
        return parts.ToDictionary(kv => kv.Key, kv => AudioBuffer.Concat(kv.Value), StringComparer.Ordinal);
    }

    private static IEnumerable<AudioBuffer> Blocks(AudioBuffer audio)
    {
        const int Block = 1 << 16;
        for (var at = 0; at < audio.Frames; at += Block)
        {
            yield return audio.Slice(at, Math.Min(Block, audio.Frames - at));
        }
    }
}

/// <summary>The plan of one separation unit: the item it separates.</summary>
internal sealed record SeparationPlan(string Item);

[System.Text.Json.Serialization.JsonSerializable(typeof(SeparationPlan))]
internal sealed partial class SeparationJson : System.Text.Json.Serialization.JsonSerializerContext;
