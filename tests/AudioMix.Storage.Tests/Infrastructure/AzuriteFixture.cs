using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AudioMix.Storage.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace AudioMix.Storage.Tests.Infrastructure;

/// <summary>
/// One Azurite blob emulator per test assembly, from the repo-pinned npm package (infra/azurite), on a free
/// loopback port with a temp workspace. Fails (never skips) when Azurite is not installed.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // The published well-known development account (Azure/Azurite README, "Connection Strings").
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _workspace;

    public string ConnectionString { get; private set; } = string.Empty;

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var repoRoot = FindRepoRoot();
        var azurite = Path.Combine(repoRoot, "infra", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({azurite} is missing): run `npm ci --prefix infra/azurite` in {repoRoot} (needs node, e.g. inside infra/userland/run).");
        }

        _workspace = Directory.CreateTempSubdirectory("audiomix-azurite-").FullName;
        Port = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _workspace, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {azurite}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await CanConnectAsync(Port))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening on port {Port}:\n{Output()}");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Azurite did not listen on port {Port} within 30 s:\n{Output()}");
            }

            await Task.Delay(100);
        }

        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_workspace is not null)
        {
            try
            {
                Directory.Delete(_workspace, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A fresh, valid container name (one per test class instance keeps tests independent).</summary>
    public static string NewContainerName(string hint) =>
        ("t-" + new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray()) + "-" + Guid.NewGuid().ToString("N")[..12]);

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioMix.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AudioMix.sln above {AppContext.BaseDirectory}.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
