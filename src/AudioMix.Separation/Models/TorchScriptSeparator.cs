using System.Runtime.InteropServices;
using AudioMix.Audio;
using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Models;

/// <summary>
/// Runs a user's TorchScript separator (e.g. an exported Demucs or Open-Unmix) loaded with <c>torch.jit.load</c>.
/// The module's <c>forward</c> takes a mixture <c>[batch=1, channels, samples]</c> and returns stems
/// <c>[1, stems, channels, samples]</c> (or <c>[stems, channels, samples]</c>), the Demucs convention. Chunking and
/// overlap-add: <see cref="ChunkedModelSeparator"/>.
/// </summary>
public sealed class TorchScriptSeparator : ChunkedModelSeparator
{
    /// <summary>The extra file in a TorchScript archive that names the stems, one per line.</summary>
    public const string StemNamesFile = "stems.txt";

    private readonly torch.jit.ScriptModule _module;
    private readonly TorchScriptOptions _options;
    private readonly string _path;

    /// <summary>Loads the model onto <paramref name="device"/> (<see langword="null"/> = CPU).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The file is not a loadable TorchScript module, or the options are invalid.</exception>
    public TorchScriptSeparator(string path, TorchScriptOptions options, torch.Device? device = null)
        : base(ModelChunking.Of(options ?? throw new ArgumentNullException(nameof(options))))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"TorchScript model '{path}' does not exist.", path);
        }

        TorchRuntime.EnsureLoaded();
        Device = device ?? torch.CPU;
        _options = options;
        _path = Path.GetFullPath(path);
        try
        {
            _module = torch.jit.load(_path, Device.type, Device.index);
        }
        catch (Exception ex) when (ex is ExternalException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"'{path}' is not a loadable TorchScript module: {ex.Message.Split('\n')[0]}", nameof(path), ex);
        }

        _module.eval();
        Stems = options.StemNames is { Count: > 0 } names ? [.. names] : ReadStemNames(_path);
    }

    /// <summary>Where the model runs.</summary>
    public torch.Device Device { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["model"] = Path.GetFileName(_path),
        ["chunkSeconds"] = _options.ChunkSeconds,
        ["overlap"] = _options.Overlap,
    };

    private protected override float[] RunModel(float[][] input, out int stems)
    {
        using var scope = torch.NewDisposeScope();
        var output = Run(SeparationTensors.FromChannels(input, Device).unsqueeze(0), input.Length);
        stems = (int)output.shape[0];
        return output.contiguous().cpu().data<float>().ToArray();
    }

    private protected override void DisposeModel() => _module.Dispose();

    /// <summary>Runs the model on <c>[1, channels, samples]</c>, returning <c>[stems, channels, samples]</c>.</summary>
    private torch.Tensor Run(torch.Tensor input, int channels)
    {
        using var noGrad = torch.no_grad();
        var result = _module.call(input) as torch.Tensor
            ?? throw new InvalidOperationException("The TorchScript model's forward must return one tensor [1, stems, channels, samples].");
        var stems = result.dim() switch
        {
            4 when result.shape[0] == 1 => result.squeeze(0),
            3 => result,
            _ => throw new InvalidOperationException($"The TorchScript model returned shape [{string.Join(", ", result.shape)}]; expected [1, stems, channels, samples]."),
        };
        if (stems.shape[1] != channels || stems.shape[2] != input.shape[^1])
        {
            throw new InvalidOperationException(
                $"The TorchScript model returned shape [{string.Join(", ", result.shape)}] for input [{string.Join(", ", input.shape)}]; stems must keep the channels and length.");
        }

        return stems.to(torch.ScalarType.Float32);
    }

    /// <summary>
    /// Stem names stored in the TorchScript archive as an extra file <c>stems.txt</c> (one name per line; written by
    /// <c>torch.jit.save(module, path, _extra_files={"stems.txt": "vocals\ndrums"})</c>). TorchSharp cannot return
    /// strings from scripted methods, but a TorchScript file is a zip archive whose extra files sit under
    /// <c>&lt;archive&gt;/extra/</c>.
    /// </summary>
    private static string[]? ReadStemNames(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/extra/" + StemNamesFile, StringComparison.Ordinal));
            if (entry is null)
            {
                return null;
            }

            using var reader = new StreamReader(entry.Open());
            var names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return names.Length > 0 ? names : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

}
