Console.WriteLine("AudioMix benchmarks");
