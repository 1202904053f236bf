using System.Globalization;
using AudioMix.Abstractions.Jobs;
using MudBlazor;

namespace AudioMix.Web.Services;

/// <summary>How numbers read on the dashboard: durations as h/min/s, rates in kHz, loudness in LUFS.</summary>
internal static class DashboardFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Duration(double seconds) => seconds switch
    {
        < 0 or double.NaN => "–",
        < 60 => string.Create(Invariant, $"{seconds:0.0} s"),
        < 3600 => string.Create(Invariant, $"{(int)(seconds / 60)} min {seconds % 60:00} s"),
        _ => string.Create(Invariant, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):00} min"),
    };

    public static string Rate(int hertz) => hertz % 1000 == 0
        ? string.Create(Invariant, $"{hertz / 1000} kHz")
        : string.Create(Invariant, $"{hertz / 1000.0:0.###} kHz");

    public static string Lufs(double? lufs) => lufs is { } v ? string.Create(Invariant, $"{v:0.0} LUFS") : "silent";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(Invariant, $"{bytes} B"),
        < 1024 * 1024 => string.Create(Invariant, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(Invariant, $"{bytes / (1024.0 * 1024):0.0} MB"),
        _ => string.Create(Invariant, $"{bytes / (1024.0 * 1024 * 1024):0.00} GB"),
    };

    public static string Time(DateTimeOffset? at) => at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) ?? "–";

    public static string Weight(double weight) => weight.ToString("0.###", Invariant);

    /// <summary>Share of units done (completed or failed), 0–100.</summary>
    public static double Percent(JobStatus status) => status.Total <= 0
        ? (status.IsFinished ? 100 : 0)
        : Math.Clamp(100.0 * (status.Completed + status.Failed) / status.Total, 0, 100);

    /// <summary>
    /// What the job is doing in words: "Preparing beat_sync_mixup: 120 / 400 items", "Rendering: 3 shards on 2 silos".
    /// Null once it has finished.
    /// </summary>
    public static string? Stage(JobStatus status)
    {
        if (status.IsFinished || status.Progress is not { } p)
        {
            return null;
        }

        var counts = p.Total > 0 ? $": {p.Done:N0} / {p.Total:N0}" : string.Empty;
        return p.Stage switch
        {
            JobStage.Queued => "Queued",
            JobStage.Preparing => $"Preparing {p.Detail}{counts} items",
            JobStage.Planning => $"Planning {p.Detail}{counts} shard plans written",
            JobStage.Rendering => $"Rendering{counts} units · {p.ShardsRunning} of {p.Shards} shards on {p.Silos} silo{(p.Silos == 1 ? string.Empty : "s")}",
            JobStage.WritingManifest => $"Writing the manifest{counts} shards",
            _ => null,
        };
    }

    /// <summary>The progress bar's colour: error for a failed job, warning when units failed, else primary.</summary>
    public static Color ProgressColor(JobStatus status) =>
        status.State == JobState.Failed ? Color.Error : status.Failed > 0 ? Color.Warning : Color.Primary;

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, an ellipsis marking a cut.</summary>
    public static string Truncate(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, Math.Max(0, length - 1)).TrimEnd(), "…");

    public static Color StateColor(JobState state) => state switch
    {
        JobState.Completed => Color.Success,
        JobState.Failed => Color.Error,
        JobState.Cancelled => Color.Default,
        JobState.Running => Color.Info,
        _ => Color.Secondary,
    };

    public static Color ReviewColor(ReviewState review) => review switch
    {
        ReviewState.Accepted => Color.Success,
        ReviewState.Rejected => Color.Error,
        _ => Color.Default,
    };
}
