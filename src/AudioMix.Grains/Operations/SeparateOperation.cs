using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Dsp;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Source separation as preprocessing: one unit per item; the unit's main output is the mixture as separated (at the
/// job's output rate) and every stem is an audio asset (<c>000042/percussive.wav</c>, …), so the manifest lists one
/// line per stem. Parameters: see <see cref="SeparationParameters"/> (default method hpss). Metrics: each stem's
/// share of the mixture's energy, dB.
/// </summary>
public sealed class SeparateOperation(BlobAudio audio) : IJobOperation
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "separate";

    public string Name => OpName;

    public void Validate(string parametersJson, DatasetKind kind) => Read(parametersJson);

    /// <summary>
    /// One unit per item, except items whose metadata <c>"role"</c> is <c>"reference"</c> or <c>"estimate"</c>: those are
    /// ground truth or results for the <c>score</c> op (see <see cref="ScoreOperation"/>), not mixtures to separate.
    /// </summary>
    public IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex)
    {
        ArgumentNullException.ThrowIfNull(items);
        Read(parametersJson);
        var mixtures = items.Where(i => !IsScoringMaterial(i)).ToArray();
        if (mixtures.Length == 0 && items.Count > 0)
        {
            throw new ArgumentException($"{OpName}: every item is a \"reference\" or \"estimate\" (metadata \"role\"); nothing is left to separate.");
        }

        return [.. mixtures.Select((item, i) => new PlannedUnit(
            firstIndex + i, OpName, JsonSerializer.Serialize(new SeparationPlan(item.ItemId), SeparationJson.Default.SeparationPlan), new[] { item.ItemId }))];
    }

    public async Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        var make = Read(context.ParametersJson);
        var plan = JsonSerializer.Deserialize(unit.PlanJson, SeparationJson.Default.SeparationPlan)
            ?? throw new InvalidOperationException($"Unit {unit.Index} has no separation plan.");
        var item = context.Items.TryGetValue(plan.Item, out var found) ? found : throw new KeyNotFoundException($"Item {plan.Item} is no longer in the dataset.");
        var mixture = await audio.ReadAsync(item.BlobKey, item.FileName, cancellationToken).ConfigureAwait(false);
        if (context.Spec.Output.SampleRate is { } rate && rate != mixture.SampleRate)
        {
            mixture = Resampler.Resample(mixture, rate);
        }

        using var separator = make();
        var stems = await SeparationParameters.SeparateAsync(separator, mixture, cancellationToken).ConfigureAwait(false);
        await audio.WriteWavAsync(context.OutputKey, mixture, context.SampleFormat, cancellationToken).ConfigureAwait(false);

        var assets = new List<OutputAsset>();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var mixEnergy = Energy(mixture);
        foreach (var name in separator.StemNames)
        {
            var key = JobKeys.Asset(context.JobId, unit.Index, name, "wav");
            await audio.WriteWavAsync(key, stems[name], context.SampleFormat, cancellationToken).ConfigureAwait(false);
            assets.Add(new OutputAsset(name, key, "audio/wav", stems[name].Duration));
            metrics[$"{name}_energy_db"] = mixEnergy > 0 ? Math.Round(10 * Math.Log10(Math.Max(Energy(stems[name]), 1e-20) / mixEnergy), 3) : double.NaN;
        }

        var provenance = SeparationParameters.Describe(separator);
        provenance["op"] = OpName;
        provenance["seed"] = context.Spec.Seed;
        provenance["unit"] = unit.Index;
        provenance["sampleRate"] = mixture.SampleRate;
        provenance["sources"] = new JsonArray(new JsonObject
        {
            ["role"] = "mixture",
            ["item"] = item.ItemId,
            ["file"] = item.FileName,
            ["blob"] = item.BlobKey,
            ["sha256"] = item.ContentHash,
        });
        return new JobOutput(
            unit.Index, OpName, context.OutputKey, mixture.Duration, mixture.SampleRate, mixture.ChannelCount,
            item.Labels.Count > 0 ? item.Labels[0] : null, null, item.Caption, item.Text, provenance.ToJsonString(), null, ReviewState.Pending,
            assets, metrics);
    }

    private static bool IsScoringMaterial(DatasetItem item) =>
        ItemMetadata.Text(item, "role") is "reference" or "estimate";

    internal static double Energy(AudioBuffer buffer)
    {
        double sum = 0;
        foreach (var channel in buffer.Channels)
        {
            foreach (var x in channel)
            {
                sum += (double)x * x;
            }
        }

        return sum;
    }

    private static Func<AudioMix.Separation.ISeparator> Read(string json)
    {
        var p = OperationParameters.Parse(OpName, json).AllowOnly(SeparationParameters.Names);
        return SeparationParameters.Read(p, "hpss");
    }
}
