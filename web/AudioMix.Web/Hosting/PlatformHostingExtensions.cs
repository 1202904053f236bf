using AudioMix.Grains.Hosting;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Hosting;

/// <summary>
/// Embedded mode: the web host co-hosts a silo with localhost clustering over the configured blob
/// store (the local filesystem by default), so one process is the whole platform.
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
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.AddAudioMixGrains();
        });
        return builder;
    }
}
