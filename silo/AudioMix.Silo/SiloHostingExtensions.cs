using System.Net;
using AudioMix.Grains.Hosting;
using AudioMix.Storage.Hosting;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using StackExchange.Redis;

namespace AudioMix.Silo;

/// <summary>The standalone silo's composition root.</summary>
internal static class SiloHostingExtensions
{
    /// <summary>
    /// Adds the blob store (<c>AudioMix:Storage</c>), an Orleans silo with the configured identity,
    /// endpoints and membership (<c>AudioMix:Silo</c>, <c>AudioMix:Clustering</c>) and AudioMix's grains.
    /// Invalid settings fail here, before anything starts, with every problem named by its key.
    /// </summary>
    public static IHostApplicationBuilder AddAudioMixSilo(this IHostApplicationBuilder builder)
    {
        var (silo, clustering, hosting) = SiloSettings.Read(builder.Configuration);
        builder.Services.AddAudioMixBlobStore(builder.Configuration.GetSection(BlobStoreOptions.SectionName));
        builder.Services.PostConfigure<BlobStoreOptions>(o =>
        {
            if (o.Provider == BlobStoreProvider.FileSystem)
            {
                o.RootPath = Path.GetFullPath(string.IsNullOrWhiteSpace(o.RootPath) ? "data" : o.RootPath);
            }
        });

        builder.UseOrleans(orleans =>
        {
            if (!string.IsNullOrEmpty(silo.Name))
            {
                orleans.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = silo.Name);
            }

            switch (clustering.Provider)
            {
                case ClusteringProvider.Redis:
                    orleans.Configure<ClusterOptions>(o =>
                    {
                        o.ServiceId = silo.ServiceId;
                        o.ClusterId = silo.ClusterId;
                    });
                    ConfigureEndpoints(orleans, silo, hosting);
                    var connection = clustering.RedisConnectionString!;
                    orleans.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connection));
                    break;
                default:
                    orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
                    break;
            }

            orleans.AddAudioMixGrains();
        });
        return builder;
    }

    private static void ConfigureEndpoints(ISiloBuilder orleans, SiloOptions silo, SiloHostingOptions hosting)
    {
        if (hosting.Kubernetes)
        {
            // UseKubernetesHosting listens on any address and takes the silo name and cluster ids from the pod
            // (registered after ours, so its ids win if they differ). It advertises the pod IP only when nothing
            // else has chosen an address, but Orleans' own endpoint defaults run first and pick the first host
            // address: set the pod IP here so it does not depend on the pod having a single interface.
            orleans.UseKubernetesHosting();
            orleans.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = silo.SiloPort;
                o.GatewayPort = silo.GatewayPort;
                if (IPAddress.TryParse(Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable), out var podIp))
                {
                    o.AdvertisedIPAddress = podIp;
                }
            });
            return;
        }

        if (string.IsNullOrWhiteSpace(silo.AdvertisedIPAddress))
        {
            // Containers: the host name resolves to the address the other silos reach.
            orleans.ConfigureEndpoints(silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
            return;
        }

        // Advertising loopback means every member is on this machine (infra/cluster/up): listening on other
        // interfaces would only expose the ports, so listen on the advertised address alone.
        var advertised = IPAddress.Parse(silo.AdvertisedIPAddress);
        orleans.ConfigureEndpoints(advertised, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
    }
}
