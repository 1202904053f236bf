using AudioMix.Audio.Torch;
using AudioMix.Cli;

// First, before anything loads libtorch: oneDNN's ISA cap and the beat commands' thread cap (see CliRuntime).
CliRuntime.LimitTorch(args);

// Separation and scoring allocate and free megabyte tensors per block: keep them in the heap (see NativeHeap).
NativeHeap.KeepLargeBuffers();
return await AudioMixCommand.RunAsync(args);
