using System.Globalization;

namespace AudioMix.Web.Services;

/// <summary>The REST URLs the dashboard hands to the browser (players, downloads, uploads); one place so pages and tests agree.</summary>
internal static class DashboardLinks
{
    public static string ItemAudio(string datasetId, string itemId) =>
        $"/api/datasets/{Uri.EscapeDataString(datasetId)}/items/{Uri.EscapeDataString(itemId)}/audio";

    public static string Upload(string datasetId) => $"/api/datasets/{Uri.EscapeDataString(datasetId)}/items";

    public static string OutputAudio(string jobId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/jobs/{Uri.EscapeDataString(jobId)}/outputs/{index}/audio");

    public static string OutputAsset(string jobId, int index, string name) =>
        $"/api/jobs/{Uri.EscapeDataString(jobId)}/outputs/{index}/assets/{Uri.EscapeDataString(name)}";

    public static string Manifest(string jobId) => $"/api/jobs/{Uri.EscapeDataString(jobId)}/manifest";

    /// <summary>The manifest of the accepted outputs only (reviews kept in each line).</summary>
    public static string AcceptedManifest(string jobId) => Manifest(jobId) + "?review=accepted";

    public static string OutputSpectrogram(string jobId, int index, int width = 480) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/jobs/{Uri.EscapeDataString(jobId)}/outputs/{index}/spectrogram.png?width={width}");

    public static string ItemSpectrogram(string datasetId, string itemId, int width = 320) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/datasets/{Uri.EscapeDataString(datasetId)}/items/{Uri.EscapeDataString(itemId)}/spectrogram.png?width={width}");

    public static string OutputsArchive(string jobId) => $"/api/jobs/{Uri.EscapeDataString(jobId)}/outputs";
}
