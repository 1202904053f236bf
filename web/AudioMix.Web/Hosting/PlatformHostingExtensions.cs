using AudioMix.Grains.Hosting;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace AudioMix.Web.Hosting;

/// <summary>How the web host reaches the grains, bound from <c>AudioMix:Hosting:Mode</c>.</summary>
internal enum PlatformMode
{
    /// <summary>The web host co-hosts a silo (localhost clustering): one process is the whole platform.</summary>
    Embedded,

    /// <summary>The web host is an Orleans client of standalone silos (silo/AudioMix.Silo).</summary>
    Client,
}

/// <summary>How clients and silos find each other, bound from <c>AudioMix:Clustering</c> (Client mode).</summary>
internal enum PlatformClustering
{
    /// <summary>One silo on this machine, reached at <c>AudioMix:Silo:GatewayPort</c>.</summary>
    Localhost,

    /// <summary>The membership table in Redis at <c>AudioMix:Clustering:RedisConnectionString</c>.</summary>
    Redis,
}

/// <summary><c>AudioMix:Hosting</c>.</summary>
internal sealed class PlatformHostingOptions
{
    public const string Section = "AudioMix:Hosting";

    public PlatformMode Mode { get; set; } = PlatformMode.Embedded;
}

/// <summary><c>AudioMix:Clustering</c> (read in Client mode; the same keys the standalone silo reads).</summary>
internal sealed class PlatformClusteringOptions
{
    public const string Section = "AudioMix:Clustering";

    public PlatformClustering Provider { get; set; } = PlatformClustering.Localhost;

    public string? RedisConnectionString { get; set; }
}

/// <summary>
/// Embedded mode (default): the web host co-hosts a silo with localhost clustering over the configured
/// blob store (the local filesystem by default), so one process is the whole platform. Client mode:
/// the web host joins a cluster of standalone silos as an Orleans client with the same service and
/// cluster ids; it still opens the blob store itself to stream uploads and downloads.
/// </summary>
internal static class PlatformHostingExtensions
{
    public static IHostApplicationBuilder AddAudioMixPlatform(this IHostApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(BlobStoreOptions.SectionName);
        builder.Services.AddAudioMixBlobStore(storage);
        // A relative data directory means "relative to where AudioMix was started", resolved once.
        builder.Services.PostConfigure<BlobStoreOptions>(o =>
        {
            if (o.Provider == BlobStoreProvider.FileSystem)
            {
                o.RootPath = Path.GetFullPath(string.IsNullOrWhiteSpace(o.RootPath) ? "data" : o.RootPath);
            }
        });

        builder.Services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var hosting = Read<PlatformHostingOptions>(builder.Configuration, PlatformHostingOptions.Section);
        if (hosting.Mode == PlatformMode.Client)
        {
            var clustering = Read<PlatformClusteringOptions>(builder.Configuration, PlatformClusteringOptions.Section);
            builder.UseOrleansClient(client =>
            {
                if (clustering.Provider == PlatformClustering.Redis)
                {
                    if (string.IsNullOrWhiteSpace(clustering.RedisConnectionString))
                    {
                        throw new OptionsValidationException(PlatformClusteringOptions.Section, typeof(PlatformClusteringOptions),
                            ["AudioMix:Clustering:RedisConnectionString is required when AudioMix:Clustering:Provider is Redis."]);
                    }

                    var connection = clustering.RedisConnectionString;
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ServiceId = silo.ServiceId;
                        o.ClusterId = silo.ClusterId;
                    });
                    client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(connection));
                }
                else
                {
                    client.UseLocalhostClustering(silo.GatewayPort, silo.ServiceId, silo.ClusterId);
                }
            });
            return builder;
        }

        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.AddAudioMixGrains();
        });
        return builder;
    }

    private static T Read<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // An unknown mode or provider: name the section and the binder's reason instead of a stack trace.
            throw new OptionsValidationException(section, typeof(T), [$"{section}: {ex.Message} {ex.InnerException?.Message}".TrimEnd()]);
        }
    }
}
