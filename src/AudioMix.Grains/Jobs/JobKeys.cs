using System.Globalization;

namespace AudioMix.Grains.Jobs;

/// <summary>Blob keys of a job's products. Each is a function of (job, unit) only, so a re-run overwrites instead of duplicating.</summary>
public static class JobKeys
{
    public static string Output(string jobId, int index) => $"jobs/{jobId}/outputs/{RelativeOutput(index)}";

    /// <summary>The output's path inside the job's archive and in the manifest (<c>outputs/000042.wav</c>).</summary>
    public static string RelativeOutput(int index) => index.ToString("D6", CultureInfo.InvariantCulture) + ".wav";

    public static string OutputsPrefix(string jobId) => $"jobs/{jobId}/outputs/";

    public static string Manifest(string jobId) => $"jobs/{jobId}/manifest.jsonl";
}
