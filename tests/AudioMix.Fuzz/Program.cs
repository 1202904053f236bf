using SharpFuzz;

namespace AudioMix.Fuzz;

/// <summary>
/// <c>AudioMix.Fuzz TARGET</c> runs TARGET under afl-fuzz (SharpFuzz's persistent loop; see infra/fuzz/run);
/// <c>AudioMix.Fuzz TARGET --replay PATH...</c> feeds files (or every file under directories) through TARGET once each.
/// </summary>
internal static class FuzzProgram
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: AudioMix.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [--replay PATH...]");
            return 2;
        }

        if (args.Length > 1 && args[1] == "--replay")
        {
            var files = args.Skip(2)
                .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p])
                .ToArray();
            foreach (var file in files)
            {
                // An unexpected exception propagates and ends the process with a stack trace: that is the crash report.
                Console.WriteLine(file);
                target(File.ReadAllBytes(file));
            }

            Console.WriteLine($"{args[0]}: replayed {files.Length} inputs, no crash");
            return 0;
        }

        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target(copy.ToArray());
        });
        return 0;
    }
}
