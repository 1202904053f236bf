using AudioMix.Audio.Torch;
using AudioMix.Cli;

// Separation and scoring allocate and free megabyte tensors per block: keep them in the heap (see NativeHeap).
NativeHeap.KeepLargeBuffers();
return await AudioMixCommand.RunAsync(args);
