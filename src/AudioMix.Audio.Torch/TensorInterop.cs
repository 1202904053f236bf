using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace AudioMix.Audio.Torch;

/// <summary>Copies between managed memory and tensors without intermediate managed arrays.</summary>
internal static class TensorInterop
{
    /// <summary>Creates a 1-D float32 tensor on <paramref name="device"/> holding a copy of <paramref name="values"/>.</summary>
    /// <remarks>Call inside a dispose scope: the CPU staging tensor and the result are scope-tracked.</remarks>
    public static torch.Tensor FromSpan(ReadOnlySpan<float> values, torch.Device device)
    {
        var cpu = torch.empty(values.Length, torch.ScalarType.Float32, torch.CPU);
        using (var accessor = cpu.data<float>())
        {
            accessor.CopyFrom(values, 0, 0);
        }

        return device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>Whether <paramref name="tensor"/> already lives on <paramref name="device"/> (no copy needed).</summary>
    public static bool IsOn(torch.Tensor tensor, torch.Device device) =>
        tensor.device_type == device.type &&
        (device.type == DeviceType.CPU || device.index < 0 || tensor.device_index == device.index);

    /// <summary>Copies a float32 tensor (any device, any layout) into a new managed array, row-major.</summary>
    public static float[] ToArray(torch.Tensor tensor)
    {
        var result = new float[tensor.numel()];
        CopyTo(tensor, result);
        return result;
    }

    /// <summary>Copies a 2-D float32 tensor into a new <c>float[rows, cols]</c>.</summary>
    public static float[,] ToArray2D(torch.Tensor tensor)
    {
        if (tensor.dim() != 2)
        {
            throw new ArgumentException($"Expected a 2-D tensor, got shape [{string.Join(", ", tensor.shape)}].", nameof(tensor));
        }

        var result = new float[tensor.shape[0], tensor.shape[1]];
        var span = MemoryMarshal.CreateSpan(
            ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(result)), result.Length);
        CopyTo(tensor, span);
        return result;
    }

    private static void CopyTo(torch.Tensor tensor, Span<float> destination)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.to(torch.ScalarType.Float32).cpu().contiguous();
        using var accessor = cpu.data<float>();
        accessor.CopyTo(destination, 0, 0);
    }
}
