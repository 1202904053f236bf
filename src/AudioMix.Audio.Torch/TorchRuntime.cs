using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace AudioMix.Audio.Torch;

/// <summary>
/// Process-wide TorchSharp concerns: loading the native backend early with a useful message, and turning
/// configuration text into a <see cref="torch.Device"/>.
/// </summary>
public static class TorchRuntime
{
    private const string MissingGlibcxx = "GLIBCXX_3.4.32";

    /// <summary>
    /// Resolves a device from configuration text: <c>"cpu"</c>, <c>"cuda"</c>, <c>"cuda:N"</c>, or <c>"auto"</c>
    /// (CUDA when available, otherwise CPU). <see langword="null"/> or blank means <c>"auto"</c>. Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not one of the accepted forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested but is not available, or the index is out of range.</exception>
    public static torch.Device ResolveDevice(string? spec)
    {
        var text = string.IsNullOrWhiteSpace(spec) ? "auto" : spec.Trim().ToLowerInvariant();

        if (text == "cpu")
        {
            EnsureLoaded();
            return torch.CPU;
        }

        if (text == "auto")
        {
            EnsureLoaded();
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text.Length > 4)
            {
                var indexText = text[5..];
                if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out index))
                {
                    throw new ArgumentException(
                        $"Invalid torch device '{spec}': the CUDA index after 'cuda:' must be a non-negative integer.", nameof(spec));
                }
            }

            EnsureLoaded();
            if (!torch.cuda.is_available())
            {
                throw new InvalidOperationException(
                    $"Torch device '{spec}' was requested but CUDA is not available in this process " +
                    "(no CUDA-enabled libtorch package, e.g. TorchSharp-cuda-linux, or no GPU/driver). " +
                    "Use \"cpu\" or \"auto\".");
            }

            var count = torch.cuda.device_count();
            if (index >= count)
            {
                throw new InvalidOperationException(
                    $"Torch device '{spec}' was requested but only {count} CUDA device(s) exist (valid indices 0..{count - 1}).");
            }

            return torch.device(DeviceType.CUDA, index);
        }

        throw new ArgumentException(
            $"Unknown torch device '{spec}'. Expected \"cpu\", \"cuda\", \"cuda:N\" or \"auto\".", nameof(spec));
    }

    /// <summary>
    /// Forces TorchSharp's native backend to load now, so a broken installation fails at start-up with an
    /// actionable message instead of deep inside the first tensor operation.
    /// </summary>
    /// <exception cref="InvalidOperationException">libtorch / LibTorchSharp cannot be loaded.</exception>
    public static void EnsureLoaded()
    {
        try
        {
            // Touching any torch member runs the static constructor, which loads the native backend.
            _ = torch.CPU;
        }
        catch (TypeInitializationException ex)
        {
            throw new InvalidOperationException(DescribeLoadFailure(ex, ProbeNativeLoadError()), ex);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidOperationException(DescribeLoadFailure(ex, ProbeNativeLoadError()), ex);
        }
    }

    /// <summary>
    /// TorchSharp's own message blames a missing libtorch package even when the real cause is the dynamic
    /// loader (e.g. an old libstdc++). Loading the shim ourselves surfaces dlopen's actual error text.
    /// </summary>
    private static string? ProbeNativeLoadError()
    {
        try
        {
            NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
            return null;
        }
        catch (DllNotFoundException ex)
        {
            return ex.Message;
        }
        catch (BadImageFormatException ex)
        {
            return ex.Message;
        }
    }

    internal static string DescribeLoadFailure(Exception failure, string? nativeLoadError)
    {
        var inner = failure;
        while (inner.InnerException is not null && inner is TypeInitializationException)
        {
            inner = inner.InnerException;
        }

        var firstLine = inner.Message.Split('\n', 2)[0].Trim();
        if (nativeLoadError is not null && nativeLoadError.Contains(MissingGlibcxx, StringComparison.Ordinal))
        {
            return "TorchSharp's native library could not be loaded: it needs " + MissingGlibcxx +
                   " (libstdc++ from GCC 13 or newer), which this system's libstdc++ lacks (e.g. Debian 12). " +
                   "Run inside the Debian 13 userland with 'infra/userland/run <command>', or use a base image with " +
                   "a newer libstdc++ (Debian 13, Ubuntu 24.04, the .NET 10 images). Loader said: " + nativeLoadError.Trim();
        }

        return "TorchSharp's native backend (libtorch / LibTorchSharp) could not be loaded: " + firstLine +
               (nativeLoadError is null ? string.Empty : " Loader said: " + nativeLoadError.Trim());
    }
}
