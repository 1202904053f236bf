using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Services;

/// <summary>
/// The job form's model: one operation with its parameters, seed and output format. Mixup is edited
/// field by field (empty optional fields are left out so the op's defaults apply: alpha 0.4, one unit
/// per item, anchor length, the anchor's own loudness); other ops as a JSON parameters object.
/// </summary>
internal sealed class JobRecipe
{
    public const string MixupOp = "mixup";

    /// <summary>The operation (a name from the registry, <see cref="IJobService.GetOperationsAsync"/>).</summary>
    public string Op { get; set; } = MixupOp;

    /// <summary>Parameters of a non-mixup op as a JSON object.</summary>
    public string ParametersText { get; set; } = "{}";

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
        if (Op != MixupOp)
        {
            return ParseParameters(ParametersText);
        }

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

    /// <summary>Checks that <paramref name="text"/> is one JSON object and returns it compacted; an <see cref="ArgumentException"/> otherwise.</summary>
    public static string ParseParameters(string? text)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text) is JsonObject obj
                ? obj.ToJsonString()
                : throw new ArgumentException("Parameters must be a JSON object, e.g. {\"count\": 10}.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ArgumentException($"Parameters are not valid JSON: {ex.Message}", ex);
        }
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
