namespace AudioMix.Abstractions.Jobs;

/// <summary>One augmentation step of a recipe: its name and its parameters as a JSON object.</summary>
/// <param name="Op">Operation name, e.g. "mixup".</param>
/// <param name="ParametersJson">The operation's parameters, a JSON object ("{}" for defaults).</param>
[GenerateSerializer, Immutable, Alias("AudioMix.OperationSpec")]
public sealed record OperationSpec(string Op, string ParametersJson);

/// <summary>How outputs are written.</summary>
/// <param name="SampleFormat">WAV sample format: pcm16, pcm24 or float32.</param>
/// <param name="SampleRate">Output rate; null keeps each op's natural rate (usually the anchor's).</param>
[GenerateSerializer, Immutable, Alias("AudioMix.OutputSpec")]
public sealed record OutputSpec(string SampleFormat = "pcm16", int? SampleRate = null);

/// <summary>A batch augmentation job: which dataset, which recipe, which seed, and whose it is.</summary>
/// <param name="DatasetId">The dataset whose items the recipe reads.</param>
/// <param name="Seed">Seed of every random choice (the job is deterministic given it).</param>
/// <param name="Operations">The recipe's steps.</param>
/// <param name="Output">How outputs are written.</param>
/// <param name="Owner">The owner of the key that submitted it; null (jobs saved before owners, or no key) reads as <see cref="Owners.Default"/>.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.JobSpec")]
public sealed record JobSpec(string DatasetId, long Seed, IReadOnlyList<OperationSpec> Operations, OutputSpec Output, string? Owner = null);
