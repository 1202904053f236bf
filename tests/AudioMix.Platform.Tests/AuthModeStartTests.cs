using System.Diagnostics;
using System.Globalization;
using AudioMix.Platform.Tests.Infrastructure;

namespace AudioMix.Platform.Tests;

/// <summary>The built web host as a real process: auth mode None on a non-loopback address refuses to run.</summary>
public sealed class AuthModeStartTests
{
    [Fact]
    public async Task Mode_None_on_a_non_loopback_address_stops_the_host_naming_the_setting()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("audiomix-authmode-").FullName;
        try
        {
            var inv = CultureInfo.InvariantCulture;
            var psi = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(TestPaths.WebDll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                TestPaths.WebDll,
                "--urls", string.Create(inv, $"http://0.0.0.0:{TestPaths.FreePort()}"),
                "--AudioMix:Auth:Mode=None",
                "--AudioMix:Storage:Provider=FileSystem",
                $"--AudioMix:Storage:RootPath={data}",
                string.Create(inv, $"--AudioMix:Silo:SiloPort={TestPaths.FreePort()}"),
                string.Create(inv, $"--AudioMix:Silo:GatewayPort={TestPaths.FreePort()}"),
            })
            {
                psi.ArgumentList.Add(arg);
            }

            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("the host kept running with AudioMix:Auth:Mode=None on 0.0.0.0");
            }

            var output = await stdout + await stderr;
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("AudioMix:Auth:Mode", output, StringComparison.Ordinal);
            Assert.Contains("0.0.0.0", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
