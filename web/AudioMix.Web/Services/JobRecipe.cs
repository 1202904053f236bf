using System.ComponentModel.DataAnnotations;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Services;

/// <summary>
/// The job form's model: one operation with its typed parameter fields (<see cref="OperationForm"/>, generated from
/// the registry's schema), seed and output format.
/// </summary>
internal sealed class JobRecipe
{
    /// <summary>The operation (a name from the registry, <see cref="IJobService.GetOperationsAsync"/>).</summary>
    public string Op => Parameters?.Descriptor.Name ?? string.Empty;

    /// <summary>The chosen operation's parameter fields; null until the registry has answered.</summary>
    public OperationForm? Parameters { get; set; }

    [Required(ErrorMessage = "Pick a dataset.")]
    public string? DatasetId { get; set; }

    public long Seed { get; set; } = 42;

    public string SampleFormat { get; set; } = "pcm16";

    /// <summary>Output rate; null keeps the anchor's rate.</summary>
    public int? SampleRate { get; set; }

    /// <summary>True when a dataset and an operation are chosen and every parameter field is valid.</summary>
    public bool IsValid => !string.IsNullOrWhiteSpace(DatasetId) && Parameters is { IsValid: true };

    public static IReadOnlyList<string> SampleFormats { get; } = ["pcm16", "pcm24", "float32"];

    public static IReadOnlyList<int> SampleRates { get; } = [8000, 16000, 22050, 24000, 32000, 44100, 48000];

    public JobSpec ToSpec()
    {
        if (string.IsNullOrWhiteSpace(DatasetId))
        {
            throw new ArgumentException("Pick a dataset for the job.");
        }

        if (Parameters is not { } form)
        {
            throw new ArgumentException("Pick an operation for the job.");
        }

        if (form.Visible.Select(form.Error).FirstOrDefault(e => e is not null) is { } error)
        {
            throw new ArgumentException(error);
        }

        return new JobSpec(DatasetId, Seed, [new OperationSpec(form.Descriptor.Name, form.ToJson())], new OutputSpec(SampleFormat, SampleRate));
    }
}
