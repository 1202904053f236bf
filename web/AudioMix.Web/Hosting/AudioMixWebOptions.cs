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

    /// <summary>Largest total expanded (uncompressed) size of one uploaded archive, in bytes; over it the archive is refused (413).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxArchiveExpandedBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Most entries (files, directories, links) one uploaded archive may hold; over it the archive is refused (413).</summary>
    [Range(1, int.MaxValue)]
    public int MaxArchiveEntries { get; set; } = 100_000;

    /// <summary>Largest JSON request body of the API, in bytes; larger bodies are refused (413) before they are read.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;
}
