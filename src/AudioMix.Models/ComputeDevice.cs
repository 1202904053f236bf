using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace AudioMix.Models;

/// <summary>
/// Where learned models run (<c>AudioMix:Compute:Device</c>: <c>cpu</c>, the default, or <c>cuda</c>). CUDA needs three
/// things, checked at start so a silo configured for it fails by name instead of falling back or failing at the first
/// job: this build's ONNX Runtime with the CUDA execution provider (<c>dotnet build -p:Gpu=true</c> references
/// Microsoft.ML.OnnxRuntime.Gpu.Linux instead of the CPU package), the CUDA 12 runtime libraries, and a GPU driver.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The configuration key.</summary>
    public const string Key = "AudioMix:Compute:Device";

    /// <summary>The CPU (default).</summary>
    public const string Cpu = "cpu";

    /// <summary>A CUDA GPU through ONNX Runtime's CUDA execution provider.</summary>
    public const string Cuda = "cuda";

    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Whether <paramref name="device"/> (a <see cref="Key"/> value) selects CUDA.</summary>
    /// <exception cref="ArgumentException">Neither cpu nor cuda.</exception>
    public static bool IsCuda(string? device) => (device ?? Cpu).Trim().ToLowerInvariant() switch
    {
        Cpu => false,
        Cuda => true,
        var other => throw new ArgumentException($"{Key} must be '{Cpu}' or '{Cuda}' (got '{other}')."),
    };

    /// <summary>What CUDA lacks here, or <see langword="null"/> when the provider, the CUDA runtime and a driver are all present.</summary>
    public static string? CudaProblem() => CudaProblem(OrtEnv.Instance().GetAvailableProviders(), NativeLibrary.TryLoad);

    /// <summary>The check of <see cref="CudaProblem()"/> over given providers and a library loader (the loader is the seam tests use).</summary>
    public static string? CudaProblem(IReadOnlyCollection<string> providers, TryLoad tryLoad)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(tryLoad);
        if (!providers.Contains(CudaProvider))
        {
            return $"this build's ONNX Runtime has no {CudaProvider} (providers: {string.Join(", ", providers)}); build with -p:Gpu=true";
        }

        if (!Loads(tryLoad, "libcudart.so.12") || !Loads(tryLoad, "libcublas.so.12") || !Loads(tryLoad, "libcudnn.so.9"))
        {
            return "the CUDA 12 runtime libraries (libcudart.so.12, libcublas.so.12, libcudnn.so.9) are not on the library path";
        }

        return Loads(tryLoad, "libcuda.so.1") ? null : "no GPU driver (libcuda.so.1) is installed: no CUDA GPU on this machine";
    }

    /// <summary>Fails unless CUDA can run models here.</summary>
    /// <exception cref="InvalidOperationException">Names <see cref="Key"/> and what is missing.</exception>
    public static void EnsureCuda()
    {
        if (CudaProblem() is { } problem)
        {
            throw new InvalidOperationException($"{Key}={Cuda}, but CUDA is not usable: {problem}.");
        }
    }

    private static bool Loads(TryLoad tryLoad, string library)
    {
        if (!tryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Tries to load a native library (<see cref="NativeLibrary.TryLoad(string, out nint)"/>).</summary>
    public delegate bool TryLoad(string library, out nint handle);
}
