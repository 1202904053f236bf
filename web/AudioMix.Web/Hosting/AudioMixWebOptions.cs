using System.ComponentModel.DataAnnotations;

namespace AudioMix.Web.Hosting;

/// <summary>Settings of the web host, bound from <c>AudioMix:Web</c>.</summary>
internal sealed class AudioMixWebOptions
{
    public const string Section = "AudioMix:Web";

    /// <summary>Largest single uploaded file or archive, in bytes (checked as it streams).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest whole upload request (many files or archives together), in bytes.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024 * 1024;
}
