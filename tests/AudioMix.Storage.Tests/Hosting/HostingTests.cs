using AudioMix.Storage.Hosting;
using AudioMix.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioMix.Storage.Tests.Hosting;

public sealed class HostingTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAudioMixBlobStore(builder.Configuration.GetSection(BlobStoreOptions.SectionName));
        return builder.Build();
    }

    [Fact]
    public async Task FileSystem_provider_from_configuration_creates_a_filesystem_store()
    {
        using var host = BuildHost(new() { ["AudioMix:Storage:Provider"] = "FileSystem", ["AudioMix:Storage:RootPath"] = _root.Path });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = Assert.IsType<FileSystemBlobStore>(host.Services.GetRequiredService<IBlobStore>());
        Assert.Equal(_root.Path, store.RootPath);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void AzureBlob_provider_from_configuration_creates_an_azure_store()
    {
        using var host = BuildHost(new()
        {
            ["AudioMix:Storage:Provider"] = "AzureBlob",
            ["AudioMix:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["AudioMix:Storage:Container"] = "my-audio",
        });

        var store = Assert.IsType<AzureBlobStore>(host.Services.GetRequiredService<IBlobStore>());
        Assert.Equal("my-audio", store.ContainerName);
    }

    [Theory]
    [InlineData("AzureBlob", null, null, "audiomix", "AudioMix:Storage:ConnectionString is required when Provider is AzureBlob")]
    [InlineData("AzureBlob", null, "UseDevelopmentStorage=true", "Bad_Name", "AudioMix:Storage:Container 'Bad_Name' is not a valid Azure container name")]
    [InlineData("AzureBlob", null, "UseDevelopmentStorage=true", "a--b", "is not a valid Azure container name")]
    [InlineData("FileSystem", null, null, "audiomix", "AudioMix:Storage:RootPath is required when Provider is FileSystem")]
    public async Task Invalid_options_fail_at_start_with_a_message_naming_the_setting(string provider, string? root, string? connection, string container, string expected)
    {
        using var host = BuildHost(new()
        {
            ["AudioMix:Storage:Provider"] = provider,
            ["AudioMix:Storage:RootPath"] = root,
            ["AudioMix:Storage:ConnectionString"] = connection,
            ["AudioMix:Storage:Container"] = container,
        });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_provider_name_fails_at_start()
    {
        using var host = BuildHost(new() { ["AudioMix:Storage:Provider"] = "Dropbox" });

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Code_configuration_is_supported()
    {
        var services = new ServiceCollection().AddAudioMixBlobStore(o => o.RootPath = _root.Path).BuildServiceProvider();

        Assert.IsType<FileSystemBlobStore>(services.GetRequiredService<IBlobStore>());
    }
}
