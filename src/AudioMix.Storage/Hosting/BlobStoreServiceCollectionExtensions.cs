using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioMix.Storage.Hosting;

/// <summary>Registers the AudioMix <see cref="IBlobStore"/>.</summary>
public static class BlobStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IBlobStore"/> whose backend is chosen by <see cref="BlobStoreOptions"/> bound
    /// from <paramref name="section"/> (normally <c>configuration.GetSection(BlobStoreOptions.SectionName)</c>).
    /// The options are validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section holding Provider, RootPath, ConnectionString and Container.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAudioMixBlobStore(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<BlobStoreOptions>().Bind(section);
        return services.AddBlobStoreCore();
    }

    /// <summary>Registers a singleton <see cref="IBlobStore"/> configured in code; validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAudioMixBlobStore(this IServiceCollection services, Action<BlobStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BlobStoreOptions>().Configure(configure);
        return services.AddBlobStoreCore();
    }

    /// <summary>Creates the store the options describe (what the DI registration does); validates them first.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The store.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static IBlobStore CreateBlobStore(BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new BlobStoreOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(BlobStoreOptions), result.Failures);
        }

        return options.Provider switch
        {
            BlobStoreProvider.AzureBlob => new AzureBlobStore(options.ConnectionString!, options.Container),
            _ => new FileSystemBlobStore(options.RootPath!),
        };
    }

    private static IServiceCollection AddBlobStoreCore(this IServiceCollection services)
    {
        services.AddOptions<BlobStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobStoreOptions>, BlobStoreOptionsValidator>());
        services.TryAddSingleton<IBlobStore>(sp => CreateBlobStore(sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value));
        return services;
    }
}
