using System.ComponentModel.DataAnnotations;

namespace AudioMix.Web.Hosting;

/// <summary>Settings of the web host, bound from <c>AudioMix:Web</c>.</summary>
internal sealed class AudioMixWebOptions
{
    public const string Section = "AudioMix:Web";

    /// <summary>Largest request body accepted by upload endpoints, in bytes.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
