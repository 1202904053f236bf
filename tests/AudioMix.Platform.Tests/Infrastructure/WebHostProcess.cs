using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>
/// The built web host (embedded silo) as a child process on given ports and data directory, so a
/// test can kill it with SIGKILL and start it again on the same state.
/// </summary>
internal sealed class WebHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WebHostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<WebHostProcess> StartAsync(HostPorts ports, string dataDirectory, CancellationToken cancellationToken, params string[] extraArguments)
    {
        var dll = TestPaths.WebDll;
        Assert.True(File.Exists(dll), $"the web host is not built at {dll} (the test project's reference should have built it)");
        var inv = CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll,
            "--urls", $"http://127.0.0.1:{ports.Http}",
            $"--AudioMix:Storage:Provider=FileSystem",
            $"--AudioMix:Storage:RootPath={dataDirectory}",
            string.Create(inv, $"--AudioMix:Silo:SiloPort={ports.Silo}"),
            string.Create(inv, $"--AudioMix:Silo:GatewayPort={ports.Gateway}"),
            "--AudioMix:Silo:ServiceId=audiomix-crash-test",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:AudioMix=Information",
        }.Concat(extraArguments))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var host = new WebHostProcess(process, new Uri($"http://127.0.0.1:{ports.Http}/"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitReadyAsync(cancellationToken);
        return host;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"the web host exited with {_process.ExitCode} before answering:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync("api/jobs", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"the web host did not answer within 90 s:\n{Log}");
    }

    /// <summary>Kills the host with SIGKILL (no shutdown hooks run) and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        // On Unix Process.Kill sends SIGKILL; a process killed by signal 9 reports exit code 128 + 9.
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

/// <summary>The three ports one host listens on.</summary>
internal sealed record HostPorts(int Http, int Silo, int Gateway)
{
    public static HostPorts Free() => new(TestPaths.FreePort(), TestPaths.FreePort(), TestPaths.FreePort());
}
