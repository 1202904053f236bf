using AudioMix.Audio.Torch;
using System.Runtime.InteropServices;
using TorchSharp;

namespace AudioMix.Scoring.Encoders;

/// <summary>
/// A self-supervised speech encoder exported by the user as TorchScript (e.g. wav2vec2 / WavLM truncated to a
/// few blocks). Contract of the module: <c>forward(waveforms: Tensor[batch, samples], layer: int) -&gt;
/// Tensor[batch, frames, dim]</c>, returning hidden state <c>layer</c> (0 = before the first transformer block) and
/// running no block beyond it. Loaded with <c>torch.jit.load</c> onto the configured device, in eval mode.
/// </summary>
public sealed class TorchScriptEncoder : IMapssEncoder
{
    private readonly torch.jit.ScriptModule _module;
    private readonly long _layer;
    private readonly bool _normalizeInput;

    /// <summary>Loads <paramref name="path"/> onto <paramref name="device"/>.</summary>
    /// <param name="path">The TorchScript file.</param>
    /// <param name="layer">The hidden state to return (MAPSS default for wav2vec2-large: 2).</param>
    /// <param name="device">Where the module runs.</param>
    /// <param name="normalizeInput">Zero-mean / unit-variance per signal, (x − mean)/sqrt(var + 1e-7) with the
    /// population variance, as Hugging Face feature extractors do when <c>do_normalize</c> is true.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The layer is negative or the file is not a TorchScript module.</exception>
    public TorchScriptEncoder(string path, int layer, torch.Device device, bool normalizeInput)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(device);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"TorchScript encoder file '{path}' does not exist.", path);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        try
        {
            _module = torch.jit.load(path, device);
        }
        catch (Exception ex) when (ex is ExternalException or InvalidOperationException)
        {
            throw new ArgumentException($"'{path}' could not be loaded as a TorchScript module: {ex.Message}", nameof(path), ex);
        }

        _module.eval();
        _layer = layer;
        _normalizeInput = normalizeInput;
        Device = device;
        Name = $"torchscript:{Path.GetFileName(path)}@{layer}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public torch.Device Device { get; }

    /// <inheritdoc/>
    public torch.Tensor Encode(torch.Tensor waveforms)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        var x = waveforms.to(torch.ScalarType.Float32).to(Device);
        if (_normalizeInput)
        {
            var mean = x.mean([-1], keepdim: true);
            var variance = (x - mean).Squared().mean([-1], keepdim: true);
            x = (x - mean) / variance.Plus(1e-7).sqrt();
        }

        // A long argument would become a Scalar inside TorchSharp that nothing holds while the module runs: pass our own.
        using var layer = _layer.ToScalar();
        var result = _module.invoke("forward", x, layer);
        if (result is not torch.Tensor hidden || hidden.dim() != 3)
        {
            throw new InvalidOperationException($"Encoder {Name} must return a [batch, frames, dim] tensor from forward(waveforms, layer).");
        }

        return hidden;
    }

    /// <inheritdoc/>
    public void Dispose() => _module.Dispose();
}
