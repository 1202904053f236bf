using AudioMix.Models;
using Microsoft.ML.OnnxRuntime;

namespace AudioMix.Separation.Models;

/// <summary>How an ONNX separator model is run (the chunking of <see cref="TorchScriptOptions"/>).</summary>
/// <param name="ChunkSeconds">Length of the pieces the model sees (Demucs uses about 8 s); 0 runs the whole input at once.</param>
/// <param name="Overlap">Fraction of a chunk shared with the next (Demucs' default 0.25), cross-faded with triangular weights.</param>
/// <param name="StemNames">Names of the model's output stems in order; <see langword="null"/> numbers them (stem0, stem1, …).</param>
/// <param name="SampleRate">The rate the model was trained at; <see langword="null"/> accepts any. A mismatch is an error (resample first).</param>
/// <param name="Runtime">Threads and execution provider.</param>
public sealed record OnnxSeparatorOptions(
    double ChunkSeconds = 8.0, double Overlap = 0.25, IReadOnlyList<string>? StemNames = null, int? SampleRate = null, OnnxModelOptions? Runtime = null);

/// <summary>
/// Runs an ONNX separator (e.g. an exported Open-Unmix or Demucs) through ONNX Runtime, with the same contract as
/// <see cref="TorchScriptSeparator"/>: one input <c>[batch = 1, channels, samples]</c> (the samples axis free), first
/// output <c>[1, stems, channels, samples]</c> or <c>[stems, channels, samples]</c>; chunked with overlap-add by
/// <see cref="ChunkedModelSeparator"/>.
/// </summary>
public sealed class OnnxSeparator : ChunkedModelSeparator
{
    private readonly OnnxModel _model;
    private readonly OnnxSeparatorOptions _options;
    private readonly string _input;

    /// <summary>Loads the model.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">Not a loadable ONNX model, not one input, or invalid options.</exception>
    public OnnxSeparator(string path, OnnxSeparatorOptions? options = null)
        : base(ModelChunking.Of(options ??= new OnnxSeparatorOptions()))
    {
        _options = options;
        _model = new OnnxModel(path, options.Runtime);
        if (_model.InputNames.Count != 1)
        {
            _model.Dispose();
            throw new ArgumentException($"'{path}' has inputs {string.Join(", ", _model.InputNames)}; a separator takes one, the mixture [1, channels, samples].", nameof(path));
        }

        _input = _model.InputNames[0];
        Stems = options.StemNames is { Count: > 0 } names ? [.. names] : null;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["model"] = Path.GetFileName(_model.Path),
        ["runtime"] = "onnx",
        ["chunkSeconds"] = _options.ChunkSeconds,
        ["overlap"] = _options.Overlap,
    };

    private protected override float[] RunModel(float[][] input, out int stems)
    {
        var channels = input.Length;
        var samples = input[0].Length;
        var flat = new float[channels * samples];
        for (var c = 0; c < channels; c++)
        {
            input[c].CopyTo(flat, c * samples);
        }

        using var value = OnnxModel.Tensor(flat, 1, channels, samples);
        using var outputs = _model.Run(new Dictionary<string, OrtValue>(StringComparer.Ordinal) { [_input] = value });
        var result = outputs[0];
        var shape = result.GetTensorTypeAndShape().Shape;
        var (stemCount, outChannels, outSamples) = shape.Length switch
        {
            4 when shape[0] == 1 => (shape[1], shape[2], shape[3]),
            3 => (shape[0], shape[1], shape[2]),
            _ => throw new InvalidOperationException($"The ONNX model returned shape [{string.Join(", ", shape)}]; expected [1, stems, channels, samples]."),
        };
        if (outChannels != channels || outSamples != samples)
        {
            throw new InvalidOperationException(
                $"The ONNX model returned shape [{string.Join(", ", shape)}] for input [1, {channels}, {samples}]; stems must keep the channels and length.");
        }

        stems = (int)stemCount;
        return result.GetTensorDataAsSpan<float>().ToArray();
    }

    private protected override void DisposeModel() => _model.Dispose();
}
