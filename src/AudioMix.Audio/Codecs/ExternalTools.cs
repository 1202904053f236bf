using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace AudioMix.Audio.Codecs;

/// <summary>
/// Locates and starts ffmpeg/ffprobe. The executables come from, in order: an override for the current
/// async flow (<see cref="Override"/>, used by tests so parallel tests are unaffected), the environment
/// variables AUDIOMIX_FFMPEG / AUDIOMIX_FFPROBE, an ffprobe next to an overridden ffmpeg, and finally the
/// plain names resolved through PATH.
/// </summary>
internal static class ExternalTools
{
    internal const string InstallHint =
        "Install FFmpeg (Debian/Ubuntu: `apt-get install ffmpeg`; Fedora: `dnf install ffmpeg`; macOS: `brew install ffmpeg`; " +
        "Windows: `winget install ffmpeg`) so that ffmpeg and ffprobe are on PATH, or point AUDIOMIX_FFMPEG / AUDIOMIX_FFPROBE at them.";

    private static readonly AsyncLocal<(string? Ffmpeg, string? Ffprobe)> Overrides = new();

    public static string Ffmpeg =>
        Overrides.Value.Ffmpeg ?? (Environment.GetEnvironmentVariable("AUDIOMIX_FFMPEG") is { Length: > 0 } env ? env : "ffmpeg");

    public static string Ffprobe
    {
        get
        {
            if (Overrides.Value.Ffprobe is { } o)
            {
                return o;
            }

            if (Environment.GetEnvironmentVariable("AUDIOMIX_FFPROBE") is { Length: > 0 } env)
            {
                return env;
            }

            // An explicitly located ffmpeg usually has its ffprobe beside it.
            var ffmpeg = Ffmpeg;
            if (Path.IsPathRooted(ffmpeg))
            {
                var dir = Path.GetDirectoryName(ffmpeg);
                var probe = Path.Combine(dir ?? string.Empty, OperatingSystem.IsWindows() ? "ffprobe.exe" : "ffprobe");
                if (File.Exists(probe) || !File.Exists(ffmpeg))
                {
                    return probe;
                }
            }

            return "ffprobe";
        }
    }

    /// <summary>Replaces the tool paths for the current async flow until the result is disposed.</summary>
    public static IDisposable Override(string? ffmpeg, string? ffprobe)
    {
        var previous = Overrides.Value;
        Overrides.Value = (ffmpeg, ffprobe);
        return new Restore(previous);
    }

    /// <summary>Starts <paramref name="tool"/> with stdout and stderr redirected (and stdin when <paramref name="writeStdin"/>; otherwise stdin is closed).</summary>
    /// <exception cref="ExternalToolException">The executable is missing or cannot be started.</exception>
    public static ToolProcess Start(string tool, IEnumerable<string> arguments, bool writeStdin)
    {
        var psi = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (Win32Exception ex)
        {
            throw new ExternalToolException($"Cannot run '{tool}': {ex.Message}. {InstallHint}", ex);
        }

        if (process is null)
        {
            throw new ExternalToolException($"Cannot run '{tool}': the process did not start. {InstallHint}");
        }

        return new ToolProcess(process, Path.GetFileName(tool), writeStdin);
    }

    private sealed class Restore((string?, string?) previous) : IDisposable
    {
        public void Dispose() => Overrides.Value = previous;
    }
}

/// <summary>
/// A started ffmpeg/ffprobe child. Stderr is drained concurrently into a bounded buffer (a full stderr pipe
/// would otherwise block the child while we block on its stdout); Dispose kills a still-running child and
/// waits for it, so no orphan or zombie is left behind.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private const int MaxStderrChars = 8 * 1024;
    private readonly Task<string> _stderr;
    private bool _disposed;

    public ToolProcess(Process process, string name, bool writeStdin)
    {
        Process = process;
        Name = name;
        if (!writeStdin)
        {
            process.StandardInput.Close();
        }

        _stderr = Task.Run(() => DrainAsync(process.StandardError));
    }

    public Process Process { get; }

    public string Name { get; }

    public Stream Stdout => Process.StandardOutput.BaseStream;

    public Stream Stdin => Process.StandardInput.BaseStream;

    /// <summary>Waits for the child to exit (killing it after <paramref name="timeout"/>) and returns its exit code and stderr.</summary>
    public (int ExitCode, string Stderr) WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            Kill();
            Process.WaitForExit();
            return (-1, $"{Name} did not finish within {timeout.TotalSeconds:0} s and was killed. {Stderr()}");
        }

        Process.WaitForExit(); // also waits for the redirected streams to reach EOF
        return (Process.ExitCode, Stderr());
    }

    /// <summary>What the child wrote to stderr so far (all of it once the child has exited), trimmed.</summary>
    public string Stderr() => _stderr.Wait(TimeSpan.FromSeconds(5)) ? _stderr.Result : string.Empty;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Kill();
            Process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Process.Dispose();
        }
    }

    /// <summary>Kills the child (and its children) if it is still running; safe to call from any thread.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Could not be killed (already gone); nothing more to do.
        }
    }

    private static async Task<string> DrainAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var chunk = new char[1024];
        try
        {
            int n;
            while ((n = await reader.ReadAsync(chunk.AsMemory()).ConfigureAwait(false)) > 0)
            {
                // Keep the first part (where ffmpeg names the problem); discard the rest but keep draining.
                if (text.Length < MaxStderrChars)
                {
                    text.Append(chunk, 0, Math.Min(n, MaxStderrChars - text.Length));
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke because the child was killed: what was read is all there is.
        }
        catch (ObjectDisposedException)
        {
        }

        return text.ToString().Trim();
    }
}
