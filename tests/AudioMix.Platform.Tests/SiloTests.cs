using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Abstractions.Datasets;
using AudioMix.Platform.Tests.Infrastructure;
using AudioMix.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioMix.Platform.Tests;

/// <summary>The standalone silo (silo/AudioMix.Silo) with localhost clustering, its settings checks, and the web host in Client mode.</summary>
public sealed class SiloTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("audiomix-silo-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_localhost_silo_serves_clients_through_its_gateway_and_the_web_host_in_client_mode()
    {
        var ct = TestContext.Current.CancellationToken;
        var gateway = TestPaths.FreePort();
        const string cluster = "localhost-test";
        using var silo = await SiloHosts.StartSiloAsync(SiloHosts.SiloSettings(_data, TestPaths.FreePort(), gateway, cluster), ct);
        using var client = await SiloHosts.StartClientAsync(c =>
        {
            c.UseLocalhostClustering(gateway, SiloHosts.ServiceId, cluster);
        }, ct);

        var created = await client.Client().GetGrain<IDatasetGrain>("from-client").CreateAsync("through the gateway", DatasetKind.Speech);
        Assert.Equal("through the gateway", created.Name);
        var read = await client.Client().GetGrain<IDatasetGrain>("from-client").GetAsync();
        Assert.Equal(DatasetKind.Speech, read!.Kind);
        // Grain state went to the configured blob store.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "blobs"), "*", SearchOption.AllDirectories));

        // The web host as an Orleans client of this silo: datasets created over HTTP live in the silo.
        var ports = new HostPorts(TestPaths.FreePort(), TestPaths.FreePort(), gateway);
        using var web = await WebHostProcess.StartAsync(ports, _data, ct,
            "--AudioMix:Hosting:Mode=Client", "--AudioMix:Clustering:Provider=Localhost",
            $"--AudioMix:Silo:ServiceId={SiloHosts.ServiceId}", $"--AudioMix:Silo:ClusterId={cluster}");
        using var http = new HttpClient { BaseAddress = web.Address };
        using var response = await http.PostAsJsonAsync("api/datasets", new { name = "over http", kind = "music" }, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        var viaSilo = await client.Client().GetGrain<IDatasetGrain>(id).GetAsync();
        Assert.Equal("over http", viaSilo!.Name);
        var viaWeb = await http.GetFromJsonAsync<JsonElement>("api/datasets/from-client", ct);
        Assert.Equal("through the gateway", viaWeb.GetProperty("name").GetString());
        Assert.DoesNotContain("Orleans.Runtime.Silo", web.Log, StringComparison.Ordinal);

        await web.StopAsync();
        await client.StopAsync(ct);
        await silo.StopAsync(ct);
    }

    [Fact]
    public void Invalid_silo_settings_fail_before_start_naming_every_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioMix:Silo:ServiceId"] = " ",
            ["AudioMix:Silo:SiloPort"] = "70000",
            ["AudioMix:Silo:GatewayPort"] = "0",
            ["AudioMix:Silo:AdvertisedIPAddress"] = "silo-1",
            ["AudioMix:Clustering:Provider"] = "Redis",
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => SiloSettings.Read(configuration));

        Assert.Contains("AudioMix:Silo:ServiceId must not be empty (grain state is keyed by it).", ex.Failures);
        Assert.Contains("AudioMix:Silo:SiloPort must be 1..65535 (got 70000).", ex.Failures);
        Assert.Contains("AudioMix:Silo:GatewayPort must be 1..65535 (got 0).", ex.Failures);
        Assert.Contains("AudioMix:Silo:AdvertisedIPAddress \"silo-1\" is not an IP address.", ex.Failures);
        Assert.Contains("AudioMix:Clustering:RedisConnectionString is required when AudioMix:Clustering:Provider is Redis.", ex.Failures);
        Assert.Equal(5, ex.Failures.Count());
    }

    [Fact]
    public void An_unknown_clustering_provider_is_named_in_the_error()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioMix:Clustering:Provider"] = "Zookeeper",
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => SiloSettings.Read(configuration));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("AudioMix:Clustering:", failure, StringComparison.Ordinal);
        Assert.Contains("Zookeeper", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_settings_are_valid_and_match_the_web_hosts_defaults()
    {
        var (silo, clustering, hosting) = SiloSettings.Read(new ConfigurationBuilder().Build());
        Assert.Equal(("audiomix", "dev", 11111, 30000), (silo.ServiceId, silo.ClusterId, silo.SiloPort, silo.GatewayPort));
        Assert.Equal(ClusteringProvider.Localhost, clustering.Provider);
        Assert.Null(silo.Name);
        Assert.False(hosting.Kubernetes);
    }

    [Fact]
    public void Kubernetes_hosting_takes_the_silo_name_address_and_ids_from_the_pod()
    {
        // What infra/k8s/silo.yaml gives each pod through the downward API. Only Orleans.Hosting.Kubernetes
        // reads these variables, and only in this test.
        var pod = new Dictionary<string, string>
        {
            ["POD_NAME"] = "silo-5d8c7b9f4-x2k7q",
            ["POD_NAMESPACE"] = "audiomix",
            ["POD_IP"] = "10.244.1.17",
            ["ORLEANS_SERVICE_ID"] = "audiomix",
            ["ORLEANS_CLUSTER_ID"] = "audiomix",
        };
        foreach (var (key, value) in pod)
        {
            Environment.SetEnvironmentVariable(key, value);
        }

        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AudioMix:Hosting:Kubernetes"] = "true",
                ["AudioMix:Clustering:Provider"] = "Redis",
                ["AudioMix:Clustering:RedisConnectionString"] = "redis:6379",
                ["AudioMix:Silo:SiloPort"] = "11111",
                ["AudioMix:Silo:GatewayPort"] = "30000",
            });
            builder.AddAudioMixSilo();
            using var host = builder.Build();

            var silo = host.Services.GetRequiredService<IOptions<Orleans.Configuration.SiloOptions>>().Value;
            var endpoints = host.Services.GetRequiredService<IOptions<Orleans.Configuration.EndpointOptions>>().Value;
            var cluster = host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value;
            Assert.Equal("silo-5d8c7b9f4-x2k7q", silo.SiloName);
            Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
            Assert.Equal(("audiomix", "audiomix"), (cluster.ServiceId, cluster.ClusterId));
        }
        finally
        {
            foreach (var key in pod.Keys)
            {
                Environment.SetEnvironmentVariable(key, null);
            }
        }
    }

    [Fact]
    public void Silo_names_and_Kubernetes_hosting_are_checked_before_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioMix:Silo:Name"] = "silo 1",
            ["AudioMix:Hosting:Kubernetes"] = "true",
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => SiloSettings.Read(configuration));

        Assert.Contains("AudioMix:Silo:Name \"silo 1\" must be 1..63 letters, digits, '.', '_' or '-', starting with a letter or digit.", ex.Failures);
        Assert.Contains("AudioMix:Silo:Name must be empty when AudioMix:Hosting:Kubernetes is true (the silo takes its pod's name).", ex.Failures);
        Assert.Contains("AudioMix:Hosting:Kubernetes needs shared membership: set AudioMix:Clustering:Provider to Redis.", ex.Failures);
        Assert.Equal(3, ex.Failures.Count());

        var named = SiloSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioMix:Silo:Name"] = "silo2",
        }).Build());
        Assert.Equal("silo2", named.Silo.Name);
    }
}
