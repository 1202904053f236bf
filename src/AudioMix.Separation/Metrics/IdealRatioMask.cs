using AudioMix.Audio;
using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Metrics;

/// <summary>
/// The oracle ideal ratio mask: each stem's estimate is the mixture's STFT times |S_j|^p ÷ Σ_k |S_k|^p computed from
/// the true stems (p = 1: magnitude ratio, SiSEC's IRM1; p = 2: power ratio, IRM2). The practical ceiling for any
/// single-channel masking separator at that resolution; it needs the answers, so it is for evaluation only.
/// </summary>
public static class IdealRatioMask
{
    /// <summary>Applies the oracle mask built from <paramref name="references"/> to <paramref name="mixture"/>.</summary>
    /// <exception cref="ArgumentException">Shapes differ or there are no references.</exception>
    public static IReadOnlyList<AudioBuffer> Separate(
        AudioBuffer mixture, IReadOnlyList<AudioBuffer> references, int fftSize = 4096, int hopLength = 1024, double power = 1.0, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference stem is needed.", nameof(references));
        }

        if (references.Any(r => r.ChannelCount != mixture.ChannelCount || r.Frames != mixture.Frames))
        {
            throw new ArgumentException("Every reference must have the mixture's channel count and length.", nameof(references));
        }

        using var stft = new Stft(new StftOptions(fftSize, hopLength), device);
        using var scope = torch.NewDisposeScope();
        var mix = stft.Forward(SeparationTensors.FromChannels(mixture.Channels, stft.Device));
        var weights = torch.stack(references.Select(r => stft.Forward(SeparationTensors.FromChannels(r.Channels, stft.Device)).abs().Power(power)).ToArray());
        var masks = weights / weights.sum(dim: 0, keepdim: true).Plus(1e-12);
        var signals = stft.Inverse(masks * mix.unsqueeze(0), mixture.Frames);
        return Enumerable.Range(0, references.Count)
            .Select(j => new AudioBuffer(mixture.SampleRate, SeparationTensors.ToChannels(signals[j])))
            .ToArray();
    }
}
