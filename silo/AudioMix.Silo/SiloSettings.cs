using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace AudioMix.Silo;

/// <summary>How silos find each other.</summary>
internal enum ClusteringProvider
{
    /// <summary>One silo on this machine (development, tests).</summary>
    Localhost,

    /// <summary>A membership table in Redis: any number of silos on any number of machines.</summary>
    Redis,
}

/// <summary>The silo's identity and endpoints, bound from <c>AudioMix:Silo</c>.</summary>
internal sealed class SiloOptions
{
    public const string Section = "AudioMix:Silo";

    /// <summary>Orleans service id; grain state is keyed by it, so it must be the same on every silo and stable across restarts.</summary>
    public string ServiceId { get; set; } = "audiomix";

    /// <summary>Orleans cluster id; silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one at; empty: resolved from the host name (Redis) or loopback (Localhost).</summary>
    public string? AdvertisedIPAddress { get; set; }
}

/// <summary>Membership settings, bound from <c>AudioMix:Clustering</c>.</summary>
internal sealed class ClusteringOptions
{
    public const string Section = "AudioMix:Clustering";

    /// <summary>Localhost or Redis.</summary>
    public ClusteringProvider Provider { get; set; } = ClusteringProvider.Localhost;

    /// <summary>StackExchange.Redis connection string (<c>host:port,...</c>); required for Redis.</summary>
    public string? RedisConnectionString { get; set; }
}

/// <summary>Checks silo and clustering settings and names each problem by its configuration key.</summary>
internal static class SiloSettings
{
    /// <summary>Binds and validates both sections; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static (SiloOptions Silo, ClusteringOptions Clustering) Read(IConfiguration configuration)
    {
        var failures = new List<string>();
        var silo = Bind<SiloOptions>(configuration, SiloOptions.Section, failures);
        var clustering = Bind<ClusteringOptions>(configuration, ClusteringOptions.Section, failures);
        failures.AddRange(Validate(silo));
        failures.AddRange(Validate(clustering));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(SiloOptions.Section, typeof(SiloOptions), failures);
        }

        return (silo, clustering);
    }

    public static IEnumerable<string> Validate(SiloOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ServiceId))
        {
            yield return "AudioMix:Silo:ServiceId must not be empty (grain state is keyed by it).";
        }

        if (string.IsNullOrWhiteSpace(o.ClusterId))
        {
            yield return "AudioMix:Silo:ClusterId must not be empty.";
        }

        if (o.SiloPort is < 1 or > 65535)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AudioMix:Silo:SiloPort must be 1..65535 (got {o.SiloPort}).");
        }

        if (o.GatewayPort is < 1 or > 65535)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AudioMix:Silo:GatewayPort must be 1..65535 (got {o.GatewayPort}).");
        }

        if (o.SiloPort == o.GatewayPort)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AudioMix:Silo:SiloPort and GatewayPort must differ (both {o.SiloPort}).");
        }

        if (!string.IsNullOrWhiteSpace(o.AdvertisedIPAddress) && !IPAddress.TryParse(o.AdvertisedIPAddress, out _))
        {
            yield return $"AudioMix:Silo:AdvertisedIPAddress \"{o.AdvertisedIPAddress}\" is not an IP address.";
        }
    }

    public static IEnumerable<string> Validate(ClusteringOptions o)
    {
        if (!Enum.IsDefined(o.Provider))
        {
            yield return $"AudioMix:Clustering:Provider must be Localhost or Redis (got {o.Provider}).";
        }

        if (o.Provider == ClusteringProvider.Redis && string.IsNullOrWhiteSpace(o.RedisConnectionString))
        {
            yield return "AudioMix:Clustering:RedisConnectionString is required when AudioMix:Clustering:Provider is Redis.";
        }
    }

    private static T Bind<T>(IConfiguration configuration, string section, List<string> failures)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the value it could not convert (e.g. an unknown provider).
            failures.Add($"{section}: {ex.Message}{(ex.InnerException is null ? "" : " " + ex.InnerException.Message)}");
            return new T();
        }
    }
}
