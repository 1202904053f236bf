using System.Diagnostics;
using System.Globalization;

namespace AudioMix.Benchmarks;

/// <summary>Times actions and external commands (median of several runs after a warm-up) and prints ratios.</summary>
internal sealed class BenchmarkHarness : IDisposable
{
    public const int Repeats = 5;

    public string Folder { get; } = Directory.CreateTempSubdirectory("audiomix-bench-").FullName;

    public static TimeSpan Time(Action action)
    {
        action();
        var samples = new List<TimeSpan>(Repeats);
        for (var i = 0; i < Repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            samples.Add(sw.Elapsed);
        }

        samples.Sort();
        return samples[Repeats / 2];
    }

    public static TimeSpan TimeProcess(string file, params string[] args) => Time(() => RunProcess(file, args));

    /// <summary>Runs a command to completion and returns its standard error (throws, quoting it, on a non-zero exit).</summary>
    public static string RunProcess(string file, params string[] args) => Execute(file, args).Error;

    /// <summary>Runs a command to completion and returns its standard output (throws, quoting stderr, on a non-zero exit).</summary>
    public static string RunProcessOutput(string file, params string[] args) => Execute(file, args).Output;

    private static (string Output, string Error) Execute(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }

        return (stdout, stderr.Result);
    }

    public static void Report(string name, double audioSeconds, TimeSpan ours, TimeSpan reference, string referenceName)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"{name,-42} AudioMix {ours.TotalMilliseconds,8:0.0} ms ({audioSeconds / ours.TotalSeconds,7:0}x real time) | {referenceName,-20} {reference.TotalMilliseconds,8:0.0} ms ({audioSeconds / reference.TotalSeconds,7:0}x) | speed ratio {reference.TotalSeconds / ours.TotalSeconds,5:0.00}x"));
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
