using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Platform.Tests.Infrastructure;

namespace AudioMix.Platform.Tests;

/// <summary>
/// infra/cluster/up and down for real: Redis, Azurite, two standalone silos and the web host in Client mode as
/// separate processes, exactly as a developer starts them; one silo is killed with SIGKILL by the pid up recorded.
/// </summary>
public sealed class ClusterUpTests : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("audiomix-cluster-test-").FullName;

    public async ValueTask DisposeAsync()
    {
        // Whatever happened above, nothing may outlive the test.
        await LocalCluster.RunScriptAsync("down", ["--data", _data, "--grace", "5"], TimeSpan.FromSeconds(60), CancellationToken.None);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Up_starts_two_silos_and_the_web_host_which_survives_a_killed_silo_and_down_stops_everything()
    {
        var ct = TestContext.Current.CancellationToken;
        var up = await LocalCluster.RunScriptAsync("up", ["--silos", "2", "--data", _data, "--timeout", "100", "--no-build"], TimeSpan.FromSeconds(110), ct);
        Assert.True(up.ExitCode == 0, $"infra/cluster/up exited with {up.ExitCode}:\n{up.Output}\n{LocalCluster.Logs(_data)}");
        var running = LocalCluster.RunningLine().Match(up.Output);
        Assert.True(running.Success, $"no 'AudioMix cluster is running at' line:\n{up.Output}");
        var web = running.Groups["url"].Value;

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_data, "cluster.json"), ct));
        var root = json.RootElement;
        Assert.Equal(web, root.GetProperty("web").GetString());
        var silos = root.GetProperty("silos").EnumerateArray().Select(s => (
            Name: s.GetProperty("name").GetString()!, Pid: s.GetProperty("pid").GetInt32(),
            SiloPort: s.GetProperty("siloPort").GetInt32(), GatewayPort: s.GetProperty("gatewayPort").GetInt32())).ToList();
        Assert.Equal(new[] { "silo1", "silo2" }, silos.Select(s => s.Name));
        var pids = silos.Select(s => s.Pid)
            .Append(root.GetProperty("webPid").GetInt32())
            .Append(root.GetProperty("redis").GetProperty("pid").GetInt32())
            .Append(root.GetProperty("azurite").GetProperty("pid").GetInt32()).ToList();
        Assert.All(pids, pid => Assert.True(LocalProcesses.IsAlive(pid), $"pid {pid} from cluster.json is not running"));

        // The recorded pids are the services themselves, listening where cluster.json says, on loopback only.
        foreach (var silo in silos)
        {
            Assert.Contains("AudioMix.Silo.dll", LocalProcesses.CommandLine(silo.Pid), StringComparison.Ordinal);
            Assert.Equal(new[] { silo.SiloPort, silo.GatewayPort }.Order(), LocalProcesses.ListeningEndpoints(silo.Pid).Select(e => e.Port).Order());
        }

        Assert.Equal(root.GetProperty("redis").GetProperty("port").GetInt32(),
            Assert.Single(LocalProcesses.ListeningEndpoints(root.GetProperty("redis").GetProperty("pid").GetInt32())).Port);
        foreach (var pid in pids)
        {
            Assert.All(LocalProcesses.ListeningEndpoints(pid), e => Assert.True(IPAddress.IsLoopback(e.Address), $"pid {pid} ({LocalProcesses.CommandLine(pid)}) listens on {e}"));
        }

        using var http = new HttpClient { BaseAddress = new Uri(web + "/"), Timeout = TimeSpan.FromSeconds(15) };
        var health = await http.GetFromJsonAsync<JsonElement>("health", ct);
        Assert.Equal(new[] { "silo1", "silo2" }, health.GetProperty("silos").EnumerateArray().Select(s => s.GetString()));
        var api = new PlatformApi(http);
        var first = await api.CreateDatasetAsync("x", "sound", ct);

        // SIGKILL one silo: no shutdown, no goodbye to the membership table.
        var victim = silos[0];
        Process.GetProcessById(victim.Pid).Kill();
        var clock = Stopwatch.StartNew();
        while (LocalProcesses.IsAlive(victim.Pid))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"silo1 (pid {victim.Pid}) survived SIGKILL");
            await Task.Delay(50, ct);
        }

        // Until the membership declares silo1 dead, calls placed on it fail; after that the web host answers
        // everything from silo2, and grains that lived on silo1 come back there from Azurite.
        string? last = null;
        var converged = false;
        while (!converged && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var probe = await http.GetAsync("health", ct);
                last = $"{(int)probe.StatusCode} {await probe.Content.ReadAsStringAsync(ct)}";
                converged = probe.IsSuccessStatusCode && last.Contains("\"silos\":[\"silo2\"]", StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                last = ex.Message;
            }

            if (!converged)
            {
                await Task.Delay(500, ct);
            }
        }

        Assert.True(converged, $"/health did not list silo2 alone within 60 s of killing silo1; last answer: {last}\n{LocalCluster.Logs(_data)}");
        var read = await http.GetFromJsonAsync<JsonElement>($"api/datasets/{first}", ct);
        Assert.Equal("x", read.GetProperty("name").GetString());
        var second = await api.CreateDatasetAsync("after the kill", "music", ct);
        Assert.NotEqual(first, second);
        Assert.True(LocalProcesses.IsAlive(silos[1].Pid), "silo2 died too");

        var down = await LocalCluster.RunScriptAsync("down", ["--data", _data], TimeSpan.FromSeconds(60), ct);
        Assert.True(down.ExitCode == 0, $"infra/cluster/down exited with {down.ExitCode}:\n{down.Output}");
        Assert.All(pids, pid => Assert.False(LocalProcesses.IsAlive(pid), $"pid {pid} is still running after down"));
        var again = await LocalCluster.RunScriptAsync("down", ["--data", _data], TimeSpan.FromSeconds(30), ct);
        Assert.True(again.ExitCode == 0, $"a second down failed:\n{again.Output}");
    }
}
