using AudioMix.Models;

namespace AudioMix.Separation.Tests;

/// <summary><c>AudioMix:Compute:Device=cuda</c> fails by name where CUDA is not usable (this machine: CPU build, no GPU).</summary>
public sealed class ComputeDeviceTests
{
    private static readonly string[] CpuOnly = ["CPUExecutionProvider"];
    private static readonly string[] WithCuda = ["CUDAExecutionProvider", "CPUExecutionProvider"];

    [Fact]
    public void Cuda_is_refused_here_by_name_because_this_build_has_no_cuda_provider()
    {
        var ex = Assert.Throws<InvalidOperationException>(ComputeDevice.EnsureCuda);
        Assert.Contains("AudioMix:Compute:Device=cuda", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDAExecutionProvider", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-p:Gpu=true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_missing_piece_is_named_provider_runtime_libraries_then_driver()
    {
        bool None(string library, out nint handle)
        {
            handle = 0;
            return false;
        }

        bool AllButDriver(string library, out nint handle)
        {
            handle = 0;
            return library != "libcuda.so.1" && System.Runtime.InteropServices.NativeLibrary.TryLoad("libc.so.6", out handle);
        }

        Assert.Contains("-p:Gpu=true", ComputeDevice.CudaProblem(CpuOnly, None), StringComparison.Ordinal);
        Assert.Contains("libcudart.so.12", ComputeDevice.CudaProblem(WithCuda, None), StringComparison.Ordinal);
        Assert.Contains("no GPU driver", ComputeDevice.CudaProblem(WithCuda, AllButDriver), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("cpu", false)]
    [InlineData("CUDA", true)]
    public void Device_names_are_cpu_or_cuda(string? device, bool cuda) => Assert.Equal(cuda, ComputeDevice.IsCuda(device));

    [Fact]
    public void Other_device_names_are_refused_naming_the_key() =>
        Assert.Contains("AudioMix:Compute:Device", Assert.Throws<ArgumentException>(() => ComputeDevice.IsCuda("gpu")).Message, StringComparison.Ordinal);
}
