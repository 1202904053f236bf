using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Torch;
using AudioMix.Models;
using AudioMix.Separation;
using AudioMix.Separation.Models;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The separator parameters shared by <c>separate</c> and <c>segment_vocals</c>: <c>method</c> (hpss | repet-sim |
/// two-stage-hpss | midside | htdemucs), STFT size and hop, Wiener passes, and each method's own settings (see the options records
/// in AudioMix.Separation for meanings and defaults). Unknown names, and names of another method's settings, are errors.
/// Parsing only checks (the options' own validation, as constructing the separator would run first); the separator is
/// made per unit at render (<see cref="SeparatorSettings.Create"/>).
/// </summary>
internal static class SeparationParameters
{
    private static readonly string[] Spectral = ["hpss", "repet-sim", "midside"];

    private static readonly ParameterDescriptor FftSize = Param.WholeNumber("fftSize", null, 256, 16384, "STFT size (default 8192 for hpss, else 2048)").When("method", Spectral);
    private static readonly ParameterDescriptor HopLength = Param.WholeNumber("hopLength", null, 64, 8192, "STFT hop, at most fftSize / 2 (default fftSize / 4)").When("method", Spectral);
    private static readonly ParameterDescriptor WienerIterations = Param.WholeNumber("wienerIterations", 0, 0, 3, "Wiener refinement passes").When("method", Spectral);
    private static readonly ParameterDescriptor WienerWindowSeconds = Param.Number("wienerWindowSeconds", 1.0, 0.05, 10, "Wiener refinement window, seconds").When("method", Spectral);
    private static readonly ParameterDescriptor HarmonicKernelSeconds = Param.Number("harmonicKernelSeconds", new HpssOptions().HarmonicKernelSeconds, 0.01, 5, "Harmonic median filter length, seconds").When("method", "hpss");
    private static readonly ParameterDescriptor PercussiveKernelHz = Param.Number("percussiveKernelHz", new HpssOptions().PercussiveKernelHz, 10, 5000, "Percussive median filter height, Hz").When("method", "hpss");
    private static readonly ParameterDescriptor Power = Param.Number("power", 2, 0.5, 20, "Soft-mask power").When("method", "hpss", "two-stage-hpss", "midside");
    private static readonly ParameterDescriptor Margin = Param.Number("margin", 1, 1, 10, "HPSS margin (> 1 adds a residual stem)").When("method", "hpss");
    private static readonly ParameterDescriptor SimilarityThreshold = Param.Number("similarityThreshold", 0, -1, 1, "Least similarity of a repeating frame").When("method", "repet-sim");
    private static readonly ParameterDescriptor MinDistanceSeconds = Param.Number("minDistanceSeconds", 1, 0.05, 30, "Least distance between repeating frames, seconds").When("method", "repet-sim");
    private static readonly ParameterDescriptor MaxRepeatingFrames = Param.WholeNumber("maxRepeatingFrames", 100, 1, 1000, "Most repeating frames per frame").When("method", "repet-sim");
    private static readonly ParameterDescriptor HighPassHz = Param.Number("highPassHz", 100, 0, 2000, "Below this frequency everything is accompaniment, Hz").When("method", "repet-sim");
    private static readonly ParameterDescriptor SearchWindowSeconds = Param.Number("searchWindowSeconds", 10, 1, 120, "Window searched for repeating frames, seconds").When("method", "repet-sim");
    private static readonly ParameterDescriptor LongWindowSeconds = Param.Number("longWindowSeconds", new TwoStageHpssOptions().LongWindowSeconds, 0.02, 1.5, "First-stage STFT window, seconds").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor LongHarmonicKernelSeconds = Param.Number("longHarmonicKernelSeconds", new TwoStageHpssOptions().LongHarmonicKernelSeconds, 0.05, 20, "First-stage harmonic kernel, seconds").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor LongPercussiveKernelHz = Param.Number("longPercussiveKernelHz", new TwoStageHpssOptions().LongPercussiveKernelHz, 5, 5000, "First-stage percussive kernel, Hz").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor ShortWindowSeconds = Param.Number("shortWindowSeconds", new TwoStageHpssOptions().ShortWindowSeconds, 0.005, 0.5, "Second-stage STFT window, seconds (shorter than the first)").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor ShortHarmonicKernelSeconds = Param.Number("shortHarmonicKernelSeconds", new TwoStageHpssOptions().ShortHarmonicKernelSeconds, 0.01, 5, "Second-stage harmonic kernel, seconds").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor ShortPercussiveKernelHz = Param.Number("shortPercussiveKernelHz", new TwoStageHpssOptions().ShortPercussiveKernelHz, 10, 10000, "Second-stage percussive kernel, Hz").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor CentreStereo = Param.Flag("centreStereo", new TwoStageHpssOptions().CentreStereo, "On stereo, keep only the centre in the vocals").When("method", "two-stage-hpss");
    private static readonly ParameterDescriptor SmoothingSeconds = Param.Number("smoothingSeconds", 0.05, 0, 2, "Mask smoothing, seconds").When("method", "midside");
    private static readonly ParameterDescriptor Overlap = Param.Number("overlap", new HtDemucsOptions().Overlap, 0, 0.9, "HTDemucs: fraction of a 7.8 s segment shared with the next").When("method", HtDemucsSeparator.MethodName);

    /// <summary>The <c>method</c> that skips separation (where an op allows it).</summary>
    public const string None = "none";

    /// <summary>
    /// The separation parameters with <paramref name="defaultMethod"/> as the default method, in form order;
    /// <paramref name="allowNone"/> adds the method <see cref="None"/> (read with <see cref="ReadOrNone"/>).
    /// </summary>
    public static ParameterDescriptor[] Schema(string defaultMethod, bool allowNone = false) =>
    [
        Param.Choice("method", defaultMethod, [.. SeparatorFactory.AllMethods, .. allowNone ? new[] { None } : []],
            (allowNone ? "Separation method (none: work on the mix)" : "Separation method") + "; htdemucs: learned, research-only weights, installed on acceptance"),
        FftSize, HopLength, WienerIterations, WienerWindowSeconds,
        HarmonicKernelSeconds, PercussiveKernelHz, Power, Margin,
        SimilarityThreshold, MinDistanceSeconds, MaxRepeatingFrames, HighPassHz, SearchWindowSeconds,
        LongWindowSeconds, LongHarmonicKernelSeconds, LongPercussiveKernelHz, ShortWindowSeconds, ShortHarmonicKernelSeconds, ShortPercussiveKernelHz, CentreStereo,
        SmoothingSeconds, Overlap,
    ];

    /// <summary>
    /// <see cref="Read"/>, or <see langword="null"/> for method <see cref="None"/> (then every method's settings are refused).
    /// </summary>
    public static SeparatorSettings? ReadOrNone(OperationParameters p, IReadOnlyList<ParameterDescriptor> schema, ModelStore models)
    {
        if (p.Choice(schema[0]) != None)
        {
            return Read(p, schema, models);
        }

        p.RejectAny($"method '{None}'", schema.Skip(1).Where(d => d.AppliesWhen is { Parameter: "method" }).Select(d => d.Name));
        return null;
    }

    /// <summary>
    /// Parses and checks the separator settings (<paramref name="schema"/> from <see cref="Schema"/>). A learned method
    /// whose model is not installed in <paramref name="models"/> fails here, at submission, naming the install command.
    /// </summary>
    public static SeparatorSettings Read(OperationParameters p, IReadOnlyList<ParameterDescriptor> schema, ModelStore models)
    {
        var method = p.Choice(schema[0]);
        var inapplicable = schema.Skip(1).Where(d => d.AppliesWhen is { Parameter: "method" } c && !c.Values.Contains(method, StringComparer.Ordinal)).Select(d => d.Name);
        p.RejectAny($"method '{method}'", inapplicable);

        // Checked here (the options' own validation, which is all constructing the separator checks first) so a bad
        // recipe fails at submission, not at the first unit; nothing heavy is built.
        try
        {
            switch (method)
            {
                case "hpss":
                case "repet-sim":
                case "midside":
                    var fft = p.WholeNumber(FftSize, method == "hpss" ? new HpssOptions().FftSize : 2048);
                    var hop = p.WholeNumber(HopLength, fft / 4, fft / 2);
                    var wiener = p.WholeNumber(WienerIterations);
                    var wienerWindow = p.Number(WienerWindowSeconds);
                    SeparatorSettings settings = method switch
                    {
                        "hpss" => HpssSettings.From(new HpssOptions(
                            fft, hop, p.Number(HarmonicKernelSeconds), p.Number(PercussiveKernelHz), p.Number(Power), p.Number(Margin), false, wiener, wienerWindow)),
                        "repet-sim" => RepetSimSettings.From(new RepetSimOptions(
                            fft, hop, p.Number(SimilarityThreshold), p.Number(MinDistanceSeconds), p.WholeNumber(MaxRepeatingFrames),
                            p.Number(HighPassHz), p.Number(SearchWindowSeconds), wiener, wienerWindow)),
                        _ => MidSideSettings.From(new MidSideOptions(fft, hop, p.Number(Power), p.Number(SmoothingSeconds), wiener, wienerWindow)),
                    };
                    settings.Validate();
                    return settings;
                case "two-stage-hpss":
                    // Its windows are in seconds (fftSize/hopLength/Wiener settings are rejected above).
                    var twoStage = TwoStageHpssSettings.From(new TwoStageHpssOptions(
                        p.Number(LongWindowSeconds), p.Number(LongHarmonicKernelSeconds), p.Number(LongPercussiveKernelHz),
                        p.Number(ShortWindowSeconds), p.Number(ShortHarmonicKernelSeconds), p.Number(ShortPercussiveKernelHz),
                        p.Number(Power, new TwoStageHpssOptions().Power), p.Flag(CentreStereo)));
                    twoStage.Validate();
                    return twoStage;
                case HtDemucsSeparator.MethodName:
                    var htdemucs = new HtDemucsSettings(p.Number(Overlap));
                    htdemucs.Validate();
                    try
                    {
                        // Refused now, not at the first unit: the model is opt-in (research-only licence).
                        models.Resolve(ModelCatalog.HtDemucs);
                    }
                    catch (ModelNotInstalledException ex)
                    {
                        throw new ArgumentException($"{method}: {ex.Message}", ex);
                    }

                    return htdemucs;
                default:
                    throw new ArgumentException($"{method}: no parameters are defined for this method.");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{method}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The unit's output for one separated item: it keeps the item's first label, caption and transcript (a separated
    /// mixture is still that item), with the stems or segments as assets.
    /// </summary>
    public static JobOutput ForItem(JobOutput output, DatasetItem item, IReadOnlyList<OutputAsset> assets, IReadOnlyDictionary<string, double> metrics) => output with
    {
        Label = item.Labels.Count > 0 ? item.Labels[0] : null,
        Caption = item.Caption,
        Text = item.Text,
        Assets = assets.ToArray(),
        Metrics = new Dictionary<string, double>(metrics, StringComparer.Ordinal),
    };

    /// <summary>Adds the separator's method, parameters and stems (<see cref="Describe"/>) to <paramref name="provenance"/>.</summary>
    public static void DescribeInto(JsonObject provenance, ISeparator separator)
    {
        foreach (var (name, value) in Describe(separator).ToArray())
        {
            provenance[name] = value?.DeepClone();
        }
    }

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

        var description = new JsonObject { ["method"] = separator.Method, ["parameters"] = parameters, ["stems"] = new JsonArray([.. separator.StemNames.Select(s => (JsonNode)s)]) };
        if (separator is HtDemucsSeparator learned)
        {
            // Outputs of a learned model carry what made them and under which licence (manifest lines copy provenance).
            var pin = learned.Model.Pin;
            description["model"] = new JsonObject
            {
                ["name"] = pin.Name,
                ["version"] = pin.Version,
                ["sha256"] = pin.Sha256,
                ["license"] = pin.License.Id,
                ["licenseRequiresAcceptance"] = pin.License.RequiresAcceptance,
            };
        }

        return description;
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

/// <summary>
/// A separation method and its checked options: what a separation job keeps in its parameters. The options records of
/// AudioMix.Separation are plain values, held here as such (the Orleans and JSON serializers see these wrappers' fields).
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SeparatorSettings")]
public abstract record SeparatorSettings
{
    /// <summary>The method name.</summary>
    public abstract string Method { get; }

    /// <summary>Separators made on this thread by <see cref="Create"/> (tests check that parsing makes none).</summary>
    [ThreadStatic]
    internal static int CreatedOnThisThread;

    /// <summary>
    /// Makes the separator (per unit: separators are not thread-safe); learned methods run over the session
    /// <paramref name="models"/> shares across the silo's units.
    /// </summary>
    public ISeparator Create(SiloModels models)
    {
        CreatedOnThisThread++;
        return Make(models);
    }

    /// <summary>Makes the separator.</summary>
    protected abstract ISeparator Make(SiloModels models);

    /// <summary>Checks the options as the separator's constructor would, without making it.</summary>
    public abstract void Validate();

    /// <summary>"auto": CUDA where this silo has it, else CPU (the TorchSharp backend is chosen at build time).</summary>
    protected static TorchSharp.torch.Device Device() => TorchRuntime.ResolveDevice("auto");
}

/// <summary>HPSS settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.HpssSettings")]
public sealed record HpssSettings(
    int FftSize, int HopLength, double HarmonicKernelSeconds, double PercussiveKernelHz,
    double Power, double Margin, int WienerIterations, double WienerWindowSeconds) : SeparatorSettings
{
    /// <summary>The settings of <paramref name="o"/>.</summary>
    public static HpssSettings From(HpssOptions o) => new(o.FftSize, o.HopLength, o.HarmonicKernelSeconds, o.PercussiveKernelHz, o.Power, o.Margin, o.WienerIterations, o.WienerWindowSeconds);

    public override string Method => "hpss";

    private HpssOptions Options => new(FftSize, HopLength, HarmonicKernelSeconds, PercussiveKernelHz, Power, Margin, false, WienerIterations, WienerWindowSeconds);

    protected override ISeparator Make(SiloModels models) => SeparatorFactory.Hpss(Options, Device());

    public override void Validate() => SeparatorFactory.Validate(Options);
}

/// <summary>REPET-SIM settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.RepetSimSettings")]
public sealed record RepetSimSettings(
    int FftSize, int HopLength, double SimilarityThreshold, double MinDistanceSeconds,
    int MaxRepeatingFrames, double HighPassHz, double SearchWindowSeconds,
    int WienerIterations, double WienerWindowSeconds) : SeparatorSettings
{
    /// <summary>The settings of <paramref name="o"/>.</summary>
    public static RepetSimSettings From(RepetSimOptions o) => new(o.FftSize, o.HopLength, o.SimilarityThreshold, o.MinDistanceSeconds, o.MaxRepeatingFrames, o.HighPassHz, o.SearchWindowSeconds, o.WienerIterations, o.WienerWindowSeconds);

    public override string Method => "repet-sim";

    private RepetSimOptions Options => new(FftSize, HopLength, SimilarityThreshold, MinDistanceSeconds, MaxRepeatingFrames, HighPassHz, SearchWindowSeconds, WienerIterations, WienerWindowSeconds);

    protected override ISeparator Make(SiloModels models) => SeparatorFactory.RepetSim(Options, Device());

    public override void Validate() => SeparatorFactory.Validate(Options);
}

/// <summary>Two-stage HPSS settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.TwoStageHpssSettings")]
public sealed record TwoStageHpssSettings(
    double LongWindowSeconds, double LongHarmonicKernelSeconds, double LongPercussiveKernelHz,
    double ShortWindowSeconds, double ShortHarmonicKernelSeconds, double ShortPercussiveKernelHz,
    double Power, bool CentreStereo) : SeparatorSettings
{
    /// <summary>The settings of <paramref name="o"/>.</summary>
    public static TwoStageHpssSettings From(TwoStageHpssOptions o) => new(o.LongWindowSeconds, o.LongHarmonicKernelSeconds, o.LongPercussiveKernelHz, o.ShortWindowSeconds, o.ShortHarmonicKernelSeconds, o.ShortPercussiveKernelHz, o.Power, o.CentreStereo);

    public override string Method => "two-stage-hpss";

    private TwoStageHpssOptions Options => new(LongWindowSeconds, LongHarmonicKernelSeconds, LongPercussiveKernelHz, ShortWindowSeconds, ShortHarmonicKernelSeconds, ShortPercussiveKernelHz, Power, CentreStereo);

    protected override ISeparator Make(SiloModels models) => SeparatorFactory.TwoStageHpss(Options, Device());

    public override void Validate() => SeparatorFactory.Validate(Options);
}

/// <summary>Mid/side settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.MidSideSettings")]
public sealed record MidSideSettings(
    int FftSize, int HopLength, double Power, double SmoothingSeconds,
    int WienerIterations, double WienerWindowSeconds) : SeparatorSettings
{
    /// <summary>The settings of <paramref name="o"/>.</summary>
    public static MidSideSettings From(MidSideOptions o) => new(o.FftSize, o.HopLength, o.Power, o.SmoothingSeconds, o.WienerIterations, o.WienerWindowSeconds);

    public override string Method => "midside";

    private MidSideOptions Options => new(FftSize, HopLength, Power, SmoothingSeconds, WienerIterations, WienerWindowSeconds);

    protected override ISeparator Make(SiloModels models) => SeparatorFactory.MidSide(Options, Device());

    public override void Validate() => SeparatorFactory.Validate(Options);
}

/// <summary>HTDemucs settings (the model itself is the pinned, installed <c>htdemucs</c>).</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.HtDemucsSettings")]
public sealed record HtDemucsSettings(double Overlap) : SeparatorSettings
{
    public override string Method => HtDemucsSeparator.MethodName;

    protected override ISeparator Make(SiloModels models) => models.HtDemucs(new HtDemucsOptions(Overlap));

    public override void Validate()
    {
        if (!double.IsFinite(Overlap) || Overlap < 0 || Overlap >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, "overlap must be at least 0 and below 1.");
        }
    }
}

/// <summary>The plan of one separation (or vocal segmentation) unit: the item it separates.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SeparationPlan")]
public sealed record SeparationPlan(string Item) : UnitPlan
{
    public override IReadOnlyList<string> Sources => new[] { Item };
}
