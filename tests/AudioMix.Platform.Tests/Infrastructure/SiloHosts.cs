using System.Globalization;
using AudioMix.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>The standalone silo's host and plain Orleans clients, built in process from settings.</summary>
internal static class SiloHosts
{
    public const string ServiceId = "audiomix-platform-tests";

    public static async Task<IHost> StartSiloAsync(IDictionary<string, string?> settings, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAudioMixSilo();
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public static Dictionary<string, string?> SiloSettings(string dataDirectory, int siloPort, int gatewayPort, string clusterId, string? redis = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string?>
        {
            ["AudioMix:Storage:Provider"] = "FileSystem",
            ["AudioMix:Storage:RootPath"] = dataDirectory,
            ["AudioMix:Silo:ServiceId"] = ServiceId,
            ["AudioMix:Silo:ClusterId"] = clusterId,
            ["AudioMix:Silo:SiloPort"] = siloPort.ToString(inv),
            ["AudioMix:Silo:GatewayPort"] = gatewayPort.ToString(inv),
            ["AudioMix:Clustering:Provider"] = redis is null ? "Localhost" : "Redis",
        };
        if (redis is not null)
        {
            settings["AudioMix:Clustering:RedisConnectionString"] = redis;
            settings["AudioMix:Silo:AdvertisedIPAddress"] = "127.0.0.1";
        }

        return settings;
    }

    public static async Task<IHost> StartClientAsync(Action<Orleans.Hosting.IClientBuilder> clustering, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.UseOrleansClient(clustering);
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public static IClusterClient Client(this IHost host) => host.Services.GetRequiredService<IClusterClient>();

    public static void Cluster(this Orleans.Hosting.IClientBuilder client, string clusterId) =>
        client.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = ServiceId;
            o.ClusterId = clusterId;
        });
}
