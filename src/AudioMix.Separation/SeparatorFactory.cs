using AudioMix.Models;
using AudioMix.Separation.Models;
using AudioMix.Separation.Spectral;
using TorchSharp;

namespace AudioMix.Separation;

/// <summary>Creates separators by method name, for the CLI and the job ops.</summary>
public static class SeparatorFactory
{
    /// <summary>The built-in (weight-free) methods.</summary>
    public static IReadOnlyList<string> BuiltInMethods { get; } = ["hpss", "repet-sim", "two-stage-hpss", "midside"];

    /// <summary>The methods that run a pinned learned model (installed separately; see <c>infra/models/install</c>).</summary>
    public static IReadOnlyList<string> LearnedMethods { get; } = [HtDemucsSeparator.MethodName];

    /// <summary>Every method by name: the weight-free ones, then the learned ones.</summary>
    public static IReadOnlyList<string> AllMethods { get; } = [.. BuiltInMethods, .. LearnedMethods];

    /// <summary>
    /// HTDemucs v4 from <paramref name="models"/> (stems drums, bass, other, vocals, accompaniment), on the CUDA
    /// execution provider when <paramref name="device"/> is a CUDA device.
    /// </summary>
    /// <exception cref="ModelNotInstalledException">The model is not installed (names the command and the licence to accept).</exception>
    public static ISeparator HtDemucs(ModelStore models, HtDemucsOptions? options = null, torch.Device? device = null)
    {
        options ??= new HtDemucsOptions();
        if (device is { type: DeviceType.CUDA } d && options.Runtime is null)
        {
            options = options with { Runtime = new OnnxModelOptions(UseCuda: true, CudaDevice: Math.Max(0, (int)d.index)) };
        }

        return HtDemucsSeparator.Load(models, options);
    }

    /// <summary>
    /// Checks options exactly as constructing the separator would (its first step), without constructing one: no tensors,
    /// STFT windows or models, so a job can validate its recipe at submission cheaply.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static void Validate(HpssOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
    }

    /// <inheritdoc cref="Validate(HpssOptions)"/>
    public static void Validate(RepetSimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
    }

    /// <inheritdoc cref="Validate(HpssOptions)"/>
    public static void Validate(TwoStageHpssOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
    }

    /// <inheritdoc cref="Validate(HpssOptions)"/>
    public static void Validate(MidSideOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
    }

    /// <summary>Harmonic/percussive separation (stems "percussive", "harmonic"[, "residual"]).</summary>
    public static ISeparator Hpss(HpssOptions? options = null, torch.Device? device = null) => new HpssSeparator(options ?? new HpssOptions(), device);

    /// <summary>REPET-SIM (stems "vocals", "accompaniment").</summary>
    public static ISeparator RepetSim(RepetSimOptions? options = null, torch.Device? device = null) => new RepetSimSeparator(options ?? new RepetSimOptions(), device);

    /// <summary>Vocals by two HPSS passes at two resolutions (stems "vocals", "accompaniment").</summary>
    public static ISeparator TwoStageHpss(TwoStageHpssOptions? options = null, torch.Device? device = null) =>
        new TwoStageHpssSeparator(options ?? new TwoStageHpssOptions(), device);

    /// <summary>Stereo centre extraction (stems "centre", "sides").</summary>
    public static ISeparator MidSide(MidSideOptions? options = null, torch.Device? device = null) => new MidSideSeparator(options ?? new MidSideOptions(), device);

    /// <summary>
    /// A separator model file: ONNX (<c>.onnx</c>, run by <see cref="OnnxSeparator"/>, on CUDA when <paramref name="device"/>
    /// is a CUDA device) or TorchScript (anything else, <see cref="TorchScriptSeparator"/>), with the same chunking options.
    /// </summary>
    public static ISeparator Model(string path, TorchScriptOptions? options = null, torch.Device? device = null)
    {
        options ??= new TorchScriptOptions();
        if (path is not null && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var cuda = device is { type: DeviceType.CUDA } d ? new OnnxModelOptions(UseCuda: true, CudaDevice: Math.Max(0, (int)d.index)) : null;
            return new OnnxSeparator(path, new OnnxSeparatorOptions(options.ChunkSeconds, options.Overlap, options.StemNames, options.SampleRate, cuda));
        }

        return new TorchScriptSeparator(path!, options, device);
    }

    /// <summary>
    /// A separator from its method text: <c>hpss</c>, <c>repet-sim</c>, <c>two-stage-hpss</c>, <c>midside</c> (default options),
    /// <c>htdemucs</c> (the installed pinned model in <paramref name="models"/>, default the configured models folder) or
    /// <c>model:PATH</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown method or missing model path.</exception>
    public static ISeparator Create(string method, torch.Device? device = null, ModelStore? models = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        if (method.StartsWith("model:", StringComparison.Ordinal))
        {
            var path = method["model:".Length..];
            return path.Length == 0 ? throw new ArgumentException("model: needs a path to a TorchScript or ONNX file (model:PATH).", nameof(method)) : Model(path, device: device);
        }

        return method switch
        {
            "hpss" => Hpss(device: device),
            "repet-sim" => RepetSim(device: device),
            "two-stage-hpss" => TwoStageHpss(device: device),
            "midside" => MidSide(device: device),
            HtDemucsSeparator.MethodName => HtDemucs(models ?? new ModelStore(ModelStoreOptions.FromEnvironment()), device: device),
            _ => throw new ArgumentException($"Unknown separation method '{method}'. Use hpss, repet-sim, two-stage-hpss, midside, htdemucs or model:PATH.", nameof(method)),
        };
    }

    /// <summary>The stem that carries the voice for a separator (for vocal-activity detection).</summary>
    public static string VocalStem(ISeparator separator)
    {
        ArgumentNullException.ThrowIfNull(separator);
        return separator.StemNames.Contains("vocals") ? "vocals"
            : separator.StemNames.Contains("centre") ? "centre"
            : separator.StemNames.Contains("harmonic") ? "harmonic"
            : separator.StemNames[0];
    }
}
