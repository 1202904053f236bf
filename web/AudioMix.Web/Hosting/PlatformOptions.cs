using System.ComponentModel.DataAnnotations;

namespace AudioMix.Web.Hosting;

/// <summary>The co-hosted silo's settings, bound from <c>AudioMix:Silo</c>.</summary>
internal sealed class SiloOptions
{
    public const string Section = "AudioMix:Silo";

    /// <summary>Silo-to-silo port (localhost clustering).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans service id; grain state is keyed by it, so keep it stable across restarts.</summary>
    [Required]
    public string ServiceId { get; set; } = "audiomix";

    /// <summary>Orleans cluster id.</summary>
    [Required]
    public string ClusterId { get; set; } = "dev";
}
