using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>
/// A cluster started by infra/cluster/up in its own data directory (Redis, Azurite, standalone silos, the web host in
/// Client mode, each a real process); disposing runs infra/cluster/down so nothing outlives the test.
/// </summary>
internal sealed partial class LocalCluster : IAsyncDisposable
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("audiomix-cluster-test-").FullName;

    /// <summary>The web host's base URL once <see cref="UpAsync"/> succeeded.</summary>
    public string Web { get; private set; } = string.Empty;

    /// <summary>The silos as cluster.json lists them.</summary>
    public IReadOnlyList<(string Name, int Pid)> Silos { get; private set; } = [];

    /// <summary>Starts the cluster and fails the test with up's output and the logs if it does not come up.</summary>
    public async Task UpAsync(int silos, CancellationToken ct)
    {
        var up = await RunScriptAsync("up", ["--silos", silos.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", DataDirectory, "--timeout", "100", "--no-build"], TimeSpan.FromSeconds(110), ct);
        Assert.True(up.ExitCode == 0, $"infra/cluster/up exited with {up.ExitCode}:\n{up.Output}\n{Logs(DataDirectory)}");
        var running = RunningLine().Match(up.Output);
        Assert.True(running.Success, $"no 'AudioMix cluster is running at' line:\n{up.Output}");
        Web = running.Groups["url"].Value;
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDirectory, "cluster.json"), ct));
        Silos = [.. json.RootElement.GetProperty("silos").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("pid").GetInt32()))];
    }

    public async ValueTask DisposeAsync()
    {
        await RunScriptAsync("down", ["--data", DataDirectory, "--grace", "5"], TimeSpan.FromSeconds(60), CancellationToken.None);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs infra/cluster/<paramref name="script"/> and answers its exit code and output; stopped with SIGTERM at the timeout.</summary>
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, string[] arguments, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestPaths.RepositoryRoot, "infra", "cluster", script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start infra/cluster/{script}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: up's trap stops what it started.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(CancellationToken.None);
            }

            await process.WaitForExitAsync(CancellationToken.None);
            Append($"infra/cluster/{script} did not finish within {timeout.TotalSeconds} s");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }

    /// <summary>The last lines of every process log under <paramref name="data"/>/logs, for failure messages.</summary>
    public static string Logs(string data)
    {
        var logs = Path.Combine(data, "logs");
        if (!Directory.Exists(logs))
        {
            return "(no logs)";
        }

        return string.Join('\n', Directory.GetFiles(logs).Order(StringComparer.Ordinal).Select(f =>
            $"---- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(25))}"));
    }

    [GeneratedRegex(@"^AudioMix cluster is running at (?<url>http://127\.0\.0\.1:\d+)$", RegexOptions.Multiline)]
    public static partial Regex RunningLine();
}
