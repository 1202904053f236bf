using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>Build-time facts (where the web host was built) and free loopback ports.</summary>
internal static class TestPaths
{
    public static string WebDll => Metadata("AudioMixWebDll");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}
