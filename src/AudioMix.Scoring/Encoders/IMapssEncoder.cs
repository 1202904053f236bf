using TorchSharp;

namespace AudioMix.Scoring.Encoders;

/// <summary>
/// Maps 16 kHz waveforms to frame embeddings at 50 frames per second (one vector per 20 ms hop; frame t covers
/// samples [320t, 320t + 400) for wav2vec2-style encoders). MAPSS encodes every reference, output and distortion
/// with one encoder.
/// </summary>
public interface IMapssEncoder : IDisposable
{
    /// <summary>A short label for provenance (e.g. "raw", "torchscript:model.pt@2").</summary>
    string Name { get; }

    /// <summary>The device the encoder runs on; inputs are moved there.</summary>
    torch.Device Device { get; }

    /// <summary>
    /// Encodes a batch of equal-length signals <c>[batch, samples]</c> (float32) into <c>[batch, frames, dim]</c>
    /// (any floating dtype) on <see cref="Device"/>. Called under inference mode inside the caller's dispose scope.
    /// </summary>
    torch.Tensor Encode(torch.Tensor waveforms);
}
