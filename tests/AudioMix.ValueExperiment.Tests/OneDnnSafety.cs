using System.Runtime.CompilerServices;
using AudioMix.Audio.Torch;

namespace AudioMix.ValueExperiment.Tests;

/// <summary>
/// Caps oneDNN at AVX2 before any test loads libtorch, as the value benchmark does: its AVX-512 convolutions gave
/// non-finite outputs on AVX-512 AMD EPYC machines (see <see cref="TorchRuntime.LimitOneDnnIsa"/>).
/// </summary>
internal static class OneDnnSafety
{
    internal static TorchRuntime.ThreadLimit Outcome { get; private set; }

    [ModuleInitializer]
    internal static void Apply() => Outcome = TorchRuntime.LimitOneDnnIsa(TorchRuntime.SafeOneDnnIsa);
}
