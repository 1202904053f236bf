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
    /// Caps libtorch's intra-op threads for this process. Hosts that already run one piece of work per core
    /// (the silo's compute limiter) call it at start: libtorch's own OpenMP pool would otherwise start a thread
    /// per core inside each of those, and on 2 cores the oversubscription made beat tracking 2–3× slower (measured
    /// with the beats benchmark, OMP_NUM_THREADS=1 vs default). OpenMP reads <c>OMP_NUM_THREADS</c> once, when
    /// libtorch loads, and <c>torch.set_num_threads</c> only affects the calling thread's OpenMP setting, so before
    /// the first tensor the variable is set in the native environment (unless the operator set it already); after,
    /// the calling thread's count is set and <see cref="ThreadLimit.TooLate"/> is returned.
    /// </summary>
    /// <param name="threads">Threads per operation, at least 1.</param>
    public static ThreadLimit LimitIntraOpThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return SetBeforeLoad("OMP_NUM_THREADS", threads.ToString(CultureInfo.InvariantCulture), () => torch.set_num_threads(threads));
    }

    /// <summary>
    /// The oneDNN ISA the silo and the CLI cap libtorch at by default (<see cref="LimitOneDnnIsa"/>): AVX2, the widest
    /// under which no non-finite convolution output was seen on the AVX-512 machine where AVX-512 gave them.
    /// </summary>
    public const string SafeOneDnnIsa = "AVX2";

    /// <summary>
    /// Caps the instruction set of oneDNN, the library behind libtorch's CPU convolutions (<c>ONEDNN_MAX_CPU_ISA</c>,
    /// e.g. <c>AVX2</c>). Why: on an AMD EPYC with AVX-512 (Zen 4), libtorch 2.10's oneDNN AVX-512 convolution kernels
    /// intermittently returned non-finite outputs for finite inputs and weights (a 4-layer 2-D CNN, 300 forwards, 1–8
    /// non-finite per run, also with one thread and serialised calls); capped at AVX2, none in any run. oneDNN reads the
    /// variable once, when it initialises, so it must be set before libtorch loads; afterwards nothing can be done and
    /// <see cref="ThreadLimit.TooLate"/> is returned. Hosts that run convolutions with TorchSharp call it at start.
    /// </summary>
    /// <param name="isa">A oneDNN ISA name (<c>SSE41</c>, <c>AVX</c>, <c>AVX2</c>, <c>AVX512_CORE</c>, …).</param>
    /// <seealso cref="SafeOneDnnIsa"/>
    public static ThreadLimit LimitOneDnnIsa(string isa)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(isa);
        return SetBeforeLoad("ONEDNN_MAX_CPU_ISA", isa, static () => { });
    }

    /// <summary>
    /// Sets a variable libtorch's native libraries read once at load (in the native environment: the managed copy on Unix
    /// is not what they see), unless the operator set it; once libtorch is loaded, runs <paramref name="whenLoaded"/> instead.
    /// </summary>
    private static ThreadLimit SetBeforeLoad(string name, string value, Action whenLoaded)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } || NativeGetEnv(name) is { Length: > 0 })
        {
            return ThreadLimit.SetByOperator;
        }

        if (IsNativeLoaded())
        {
            whenLoaded();
            return ThreadLimit.TooLate;
        }

        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        else if (NativeSetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed.");
        }

        return ThreadLimit.Applied;
    }

    /// <summary>The outcome of <see cref="LimitIntraOpThreads"/> and <see cref="LimitOneDnnIsa"/>.</summary>
    public enum ThreadLimit
    {
        /// <summary>The limit will apply to every libtorch operation in the process.</summary>
        Applied,

        /// <summary>The variable was already set by whoever started the process; it is left alone.</summary>
        SetByOperator,

        /// <summary>libtorch was already loaded; only the calling thread's limit could be set.</summary>
        TooLate,
    }

    private static volatile bool s_loaded;

    /// <summary>True once libtorch is mapped into the process (read from /proc/self/maps where it exists).</summary>
    internal static bool IsNativeLoaded()
    {
        if (s_loaded)
        {
            return true;
        }

        try
        {
            return OperatingSystem.IsLinux() && File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int NativeSetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr NativeGetEnvPointer(string name);

    /// <summary>The native environment's value (the managed copy on Unix does not see setenv).</summary>
    internal static string? NativeGetEnv(string name) =>
        OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringAnsi(NativeGetEnvPointer(name));

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
            s_loaded = true;
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
