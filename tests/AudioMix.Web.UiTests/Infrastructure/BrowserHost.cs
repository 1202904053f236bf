using AudioMix.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Infrastructure;

/// <summary>
/// The real host on a loopback port and Debian's headless chromium (never a downloaded one), driven by the Playwright
/// driver bundled in the NuGet package; disposing closes the browser, stops the host and deletes its data.
/// </summary>
internal sealed class BrowserHost : IAsyncDisposable
{
    private BrowserHost(PlatformFactory factory, IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        Factory = factory;
        Playwright = playwright;
        Browser = browser;
        BaseUrl = baseUrl;
    }

    public PlatformFactory Factory { get; }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>The host's address, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public static async Task<BrowserHost> StartAsync(PlatformFactory factory, params string[] browserArguments)
    {
        var chromium = Environment.GetEnvironmentVariable("AUDIOMIX_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium not found at {chromium}. Run the test in the userland (infra/userland/run, which installs Debian's chromium) or set AUDIOMIX_CHROMIUM.");
        }

        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-sandbox", "--disable-sync", .. browserArguments],
        });
        return new BrowserHost(factory, playwright, browser, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Factory.DisposeAsync();
        Factory.DeleteData();
    }
}
