using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Services;

/// <summary>
/// The job form's model for a mixup recipe (the only operation so far). Empty optional fields are
/// left out of the parameters so the operation's own defaults apply (alpha 0.4, one unit per item,
/// anchor length, the anchor's own loudness).
/// </summary>
internal sealed class MixupRecipe
{
    public const string Op = "mixup";

    [Required(ErrorMessage = "Pick a dataset.")]
    public string? DatasetId { get; set; }

    [Range(0.001, 1000, ErrorMessage = "alpha must be between 0.001 and 1000.")]
    public double Alpha { get; set; } = 0.4;

    [Range(1, 1_000_000, ErrorMessage = "count must be between 1 and 1,000,000.")]
    public int? Count { get; set; }

    public string Length { get; set; } = "anchor";

    [Range(-70, 0, ErrorMessage = "target LUFS must be between -70 and 0.")]
    public double? TargetLufs { get; set; }

    public long Seed { get; set; } = 42;

    public string SampleFormat { get; set; } = "pcm16";

    /// <summary>Output rate; null keeps the anchor's rate.</summary>
    public int? SampleRate { get; set; }

    public static IReadOnlyList<string> Lengths { get; } = ["anchor", "shortest", "longest"];

    public static IReadOnlyList<string> SampleFormats { get; } = ["pcm16", "pcm24", "float32"];

    public static IReadOnlyList<int> SampleRates { get; } = [8000, 16000, 22050, 24000, 32000, 44100, 48000];

    public string ParametersJson()
    {
        var p = new JsonObject { ["alpha"] = Alpha, ["length"] = Length };
        if (Count is { } count)
        {
            p["count"] = count;
        }

        if (TargetLufs is { } lufs)
        {
            p["targetLufs"] = lufs;
        }

        return p.ToJsonString();
    }

    public JobSpec ToSpec()
    {
        if (string.IsNullOrWhiteSpace(DatasetId))
        {
            throw new ArgumentException("Pick a dataset for the job.");
        }

        return new JobSpec(DatasetId, Seed, [new OperationSpec(Op, ParametersJson())], new OutputSpec(SampleFormat, SampleRate));
    }
}
