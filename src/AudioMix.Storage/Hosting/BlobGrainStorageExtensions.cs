using AudioMix.Storage.GrainStorage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration.Overrides;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace AudioMix.Storage.Hosting;

/// <summary>Registers <see cref="BlobGrainStorage"/> providers over the <see cref="IBlobStore"/> in DI.</summary>
public static class BlobGrainStorageExtensions
{
    /// <summary>
    /// Adds a named grain storage provider (for <c>[PersistentState("…", name)]</c>) that keeps state in the
    /// <see cref="IBlobStore"/> registered in DI (see <see cref="BlobStoreServiceCollectionExtensions.AddAudioMixBlobStore(IServiceCollection, Action{BlobStoreOptions})"/>).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configure">Optionally configures the provider.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddBlobGrainStorage(this ISiloBuilder builder, string name, Action<BlobGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBlobGrainStorage(name, configure);
        return builder;
    }

    /// <summary>Adds the blob grain storage as the default provider (used when no provider name is given).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Optionally configures the provider.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddBlobGrainStorageAsDefault(this ISiloBuilder builder, Action<BlobGrainStorageOptions>? configure = null) =>
        builder.AddBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds a named blob grain storage provider to a silo's services.</summary>
    /// <param name="services">The silo services.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configure">Optionally configures the provider.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddBlobGrainStorage(this IServiceCollection services, string name, Action<BlobGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var options = services.AddOptions<BlobGrainStorageOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Defaults GrainStorageSerializer to the silo's IGrainStorageSerializer when the caller set none.
        services.AddTransient<IPostConfigureOptions<BlobGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<BlobGrainStorageOptions>>();
        // AddGrainStorage registers the keyed IGrainStorage (and the default alias); see research finding 4.
        services.AddGrainStorage(name, static (sp, providerName) => new BlobGrainStorage(
            providerName,
            sp.GetRequiredService<IOptionsMonitor<BlobGrainStorageOptions>>().Get(providerName),
            sp.GetRequiredService<IBlobStore>(),
            sp.GetProviderClusterOptions(providerName).Value.ServiceId,
            sp.GetRequiredService<IActivatorProvider>()));
        return services;
    }
}
