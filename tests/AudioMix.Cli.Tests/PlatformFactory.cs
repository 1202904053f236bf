extern alias web;

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AudioMix.Cli.Tests;

/// <summary>
/// The real web host (with its co-hosted silo) on a loopback Kestrel port, over a fresh data
/// directory and free silo ports, so test hosts never collide with each other or a running AudioMix.
/// </summary>
public sealed class PlatformFactory : WebApplicationFactory<web::Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="dataDirectory">The filesystem store's root (a fresh temp directory by default).</param>
    /// <param name="settings">Configuration applied after the defaults, e.g. the auth mode.</param>
    public PlatformFactory(string? dataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("audiomix-cli-web-").FullName;
        _settings = settings ?? new Dictionary<string, string?>();
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AudioMix:Storage:Provider", "FileSystem");
        builder.UseSetting("AudioMix:Storage:RootPath", DataDirectory);
        builder.UseSetting("AudioMix:Silo:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("AudioMix:Silo:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public void DeleteData()
    {
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
