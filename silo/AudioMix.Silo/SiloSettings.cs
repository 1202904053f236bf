using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// The address other silos and clients reach this one at; empty: resolved from the host name (Redis) or loopback (Localhost).
    /// A loopback address also limits listening to it: a cluster advertised on loopback lives on one machine.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Orleans' silo name, shown in the membership table and logs; empty: Orleans' default (the host name plus a
    /// unique suffix). Several silos on one machine (infra/cluster/up) set silo1, silo2, … to tell them apart;
    /// in Kubernetes the pod name is used instead (see <see cref="SiloHostingOptions.Kubernetes"/>).
    /// </summary>
    public string? Name { get; set; }
}

/// <summary>Where the silo runs, bound from <c>AudioMix:Hosting</c> (the web host reads its <c>Mode</c> from the same section).</summary>
internal sealed class SiloHostingOptions
{
    public const string Section = "AudioMix:Hosting";

    /// <summary>
    /// Runs under Kubernetes with Microsoft.Orleans.Hosting.Kubernetes: silo name, advertised address and
    /// cluster ids come from the pod (POD_NAME, POD_NAMESPACE, POD_IP, ORLEANS_SERVICE_ID, ORLEANS_CLUSTER_ID),
    /// and silos whose pods are gone are declared dead without waiting for missed probes.
    /// </summary>
    public bool Kubernetes { get; set; }
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
internal static partial class SiloSettings
{
    /// <summary>Binds and validates the three sections; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static (SiloOptions Silo, ClusteringOptions Clustering, SiloHostingOptions Hosting) Read(IConfiguration configuration)
    {
        var failures = new List<string>();
        var silo = Bind<SiloOptions>(configuration, SiloOptions.Section, failures);
        var clustering = Bind<ClusteringOptions>(configuration, ClusteringOptions.Section, failures);
        var hosting = Bind<SiloHostingOptions>(configuration, SiloHostingOptions.Section, failures);
        failures.AddRange(Validate(silo));
        failures.AddRange(Validate(clustering));
        failures.AddRange(Validate(hosting, silo, clustering));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(SiloOptions.Section, typeof(SiloOptions), failures);
        }

        return (silo, clustering, hosting);
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

        if (!string.IsNullOrEmpty(o.Name) && !SiloName().IsMatch(o.Name))
        {
            yield return $"AudioMix:Silo:Name \"{o.Name}\" must be 1..63 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
    }

    public static IEnumerable<string> Validate(SiloHostingOptions o, SiloOptions silo, ClusteringOptions clustering)
    {
        if (!o.Kubernetes)
        {
            yield break;
        }

        // Orleans' Kubernetes agent matches silos to pods by name and refuses to start when they differ.
        if (!string.IsNullOrEmpty(silo.Name))
        {
            yield return "AudioMix:Silo:Name must be empty when AudioMix:Hosting:Kubernetes is true (the silo takes its pod's name).";
        }

        // Kubernetes hosting only watches pods; membership still needs a table every replica shares.
        if (clustering.Provider == ClusteringProvider.Localhost)
        {
            yield return "AudioMix:Hosting:Kubernetes needs shared membership: set AudioMix:Clustering:Provider to Redis.";
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

    // Names end up in the membership table, logs and (in Kubernetes) are pod names: keep them DNS-label-like.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex SiloName();

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
