using System.Runtime.CompilerServices;
using TorchSharp;

namespace AudioMix.Scoring.Tests;

internal static class TorchThreads
{
    /// <summary>
    /// One intra-op thread: the test host shares 2 cores with other jobs, and libtorch's OpenMP workers spin against
    /// each other there (a batched eigh of 64 × 146² took 7–10 s with 2 threads and 0.35 s with 1).
    /// </summary>
    [ModuleInitializer]
    internal static void Configure() => torch.set_num_threads(1);
}
