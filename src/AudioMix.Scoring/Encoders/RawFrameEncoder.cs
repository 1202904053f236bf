using TorchSharp;

namespace AudioMix.Scoring.Encoders;

/// <summary>
/// The weight-free <c>raw</c> backend of MAPSS (spec §5.4): drop the last sample and cut the signal into
/// non-overlapping 320-sample frames, each frame a 320-dimensional vector.
/// </summary>
/// <param name="device">Where the frames are produced.</param>
public sealed class RawFrameEncoder(torch.Device device) : IMapssEncoder
{
    /// <inheritdoc/>
    public string Name => "raw";

    /// <inheritdoc/>
    public torch.Device Device { get; } = device;

    /// <inheritdoc/>
    public torch.Tensor Encode(torch.Tensor waveforms)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        var samples = waveforms.shape[^1] - 1;
        var frames = samples / MapssPreprocessing.FrameLength;
        if (frames < 1)
        {
            throw new ArgumentException($"The raw encoder needs at least {MapssPreprocessing.FrameLength + 1} samples (got {samples + 1}).", nameof(waveforms));
        }

        return waveforms.to(Device).narrow(-1, 0, frames * MapssPreprocessing.FrameLength)
            .reshape(waveforms.shape[0], frames, MapssPreprocessing.FrameLength);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
