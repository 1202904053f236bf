using AudioMix.Audio.Torch;

namespace AudioMix.Cli;

/// <summary>
/// The process-wide libtorch settings the CLI makes at start, before anything loads libtorch (both are read once, when
/// it loads; an operator's <c>ONEDNN_MAX_CPU_ISA</c> or <c>OMP_NUM_THREADS</c> wins): oneDNN capped at
/// <see cref="TorchRuntime.SafeOneDnnIsa"/> for every command, as the silo does (AVX-512 convolutions gave non-finite
/// outputs on an AVX-512 AMD EPYC, see <see cref="TorchRuntime.LimitOneDnnIsa"/>), and one intra-op thread for the
/// beat commands.
/// </summary>
internal static class CliRuntime
{
    /// <summary>
    /// Commands that run libtorch on one thread, as the silo runs beat tracking: its many small operations spend more in
    /// libtorch's OpenMP pool than they gain from it (2–3× slower with the default pool on 2 loaded cores, measured with
    /// the beats benchmark; see <see cref="TorchRuntime.LimitIntraOpThreads"/>). Separation keeps every core.
    /// </summary>
    public static IReadOnlyList<string> OneThreadCommands { get; } = ["beats", "beat-mixup"];

    /// <summary>Applies the settings for the command line <paramref name="args"/>; the thread outcome is null when the command keeps libtorch's default.</summary>
    public static (TorchRuntime.ThreadLimit OneDnnIsa, TorchRuntime.ThreadLimit? IntraOpThreads) LimitTorch(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var isa = TorchRuntime.LimitOneDnnIsa(TorchRuntime.SafeOneDnnIsa);
        TorchRuntime.ThreadLimit? threads = args.Count > 0 && OneThreadCommands.Contains(args[0], StringComparer.Ordinal)
            ? TorchRuntime.LimitIntraOpThreads(1)
            : null;
        return (isa, threads);
    }
}
