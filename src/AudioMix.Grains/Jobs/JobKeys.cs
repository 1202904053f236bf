using System.Globalization;

namespace AudioMix.Grains.Jobs;

/// <summary>Blob keys of a job's products. Each is a function of (job, unit) only, so a re-run overwrites instead of duplicating.</summary>
public static class JobKeys
{
    public static string Output(string jobId, int index) => $"jobs/{jobId}/outputs/{RelativeOutput(index)}";

    /// <summary>The output's path inside the job's archive and in the manifest (<c>outputs/000042.wav</c>).</summary>
    public static string RelativeOutput(int index) => index.ToString("D6", CultureInfo.InvariantCulture) + ".wav";

    /// <summary>A named asset of a unit (<c>jobs/{job}/outputs/000042/vocals.wav</c>); a function of (job, unit, name).</summary>
    public static string Asset(string jobId, int index, string name, string extension) =>
        $"jobs/{jobId}/outputs/{RelativeAsset(index, name, extension)}";

    /// <summary>The asset's path inside the archive's <c>outputs/</c> folder (<c>000042/vocals.wav</c>).</summary>
    public static string RelativeAsset(int index, string name, string extension)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.StartsWith('.'))
        {
            throw new ArgumentException($"Asset name '{name}' must be non-empty ASCII letters, digits, '-', '_' or '.', not starting with '.'.", nameof(name));
        }

        return $"{index.ToString("D6", CultureInfo.InvariantCulture)}/{name}.{extension.TrimStart('.')}";
    }

    /// <summary>The archive (and manifest) path of a job product given its blob key: the part from <c>outputs/</c> on.</summary>
    public static string ArchivePath(string key)
    {
        var at = key.IndexOf("/outputs/", StringComparison.Ordinal);
        return at >= 0 ? key[(at + 1)..] : "outputs/" + key[(key.LastIndexOf('/') + 1)..];
    }

    public static string OutputsPrefix(string jobId) => $"jobs/{jobId}/outputs/";

    /// <summary>Every blob of a job lives under this prefix (outputs, assets, shard plans and manifest parts, manifest).</summary>
    public static string Folder(string jobId) => $"jobs/{jobId}/";

    public static string Manifest(string jobId) => $"jobs/{jobId}/manifest.jsonl";
}
