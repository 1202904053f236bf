using TorchSharp;

namespace AudioMix.Separation;

/// <summary>Copies planar audio to and from <c>[channels, samples]</c> float32 tensors.</summary>
internal static class SeparationTensors
{
    /// <summary>A <c>[channels, samples]</c> tensor on <paramref name="device"/> (call inside a dispose scope).</summary>
    public static torch.Tensor FromChannels(float[][] channels, torch.Device device)
    {
        var length = channels[0].Length;
        var flat = new float[channels.Length * length];
        for (var c = 0; c < channels.Length; c++)
        {
            channels[c].CopyTo(flat, c * length);
        }

        var cpu = torch.tensor(flat, [channels.Length, length], torch.ScalarType.Float32);
        return device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>Planar channels from a <c>[channels, samples]</c> tensor.</summary>
    public static float[][] ToChannels(torch.Tensor signal)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = signal.to(torch.ScalarType.Float32).cpu().contiguous();
        var flat = cpu.data<float>().ToArray();
        var channels = (int)cpu.shape[0];
        var length = (int)cpu.shape[1];
        var result = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            result[c] = flat.AsSpan(c * length, length).ToArray();
        }

        return result;
    }
}
