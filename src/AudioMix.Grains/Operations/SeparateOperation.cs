using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Datasets;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Source separation as preprocessing: one unit per item; the unit's main output is the mixture as separated (at the
/// job's output rate) and every stem is an audio asset (<c>000042/percussive.wav</c>, …), so the manifest lists one
/// line per stem. Parameters: see <see cref="SeparationParameters"/> (default method hpss). Metrics: each stem's
/// share of the mixture's energy, dB.
/// </summary>
public sealed class SeparateOperation(BlobAudio audio, SiloModels models) : JobOperation<SeparateParams, SeparationPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "separate";

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "Source separation (HPSS drums/harmonic, two-stage HPSS or REPET-SIM vocals/accompaniment, mid/side, Wiener refinement; HTDemucs v4 drums/bass/other/vocals when installed): stems per item",
        SeparationParameters.Schema("hpss"));

    public override OperationDescriptor Descriptor => Schema;

    public override SeparateParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        return new SeparateParams(SeparationParameters.Read(p, Schema.Parameters, models.Store));
    }

    protected override OperationCapacity CapacityOf(DatasetSummary dataset, SeparateParams parameters)
    {
        var mixtures = dataset.ItemCount - dataset.ScoringItemCount;
        return mixtures == 0
            ? OperationCapacity.Impossible(0, $"no mixture to separate: {dataset.ItemCount} items, all \"reference\" or \"estimate\" (metadata \"role\")", "Choose a dataset of mixtures.")
            : OperationCapacity.PerItem(mixtures, "mixture");
    }

    /// <summary>
    /// One unit per item, except items whose metadata <c>"role"</c> is <c>"reference"</c> or <c>"estimate"</c>: those are
    /// ground truth or results for the <c>score</c> op (see <see cref="ScoreOperation"/>), not mixtures to separate.
    /// </summary>
    protected override IEnumerable<SeparationPlan> PlanUnits(IReadOnlyList<DatasetItem> items, SeparateParams parameters, long seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var mixtures = items.Where(i => !IsScoringMaterial(i)).ToArray();
        if (mixtures.Length == 0 && items.Count > 0)
        {
            throw new ArgumentException($"{OpName}: every item is a \"reference\" or \"estimate\" (metadata \"role\"); nothing is left to separate.");
        }

        return mixtures.Select(item => new SeparationPlan(item.ItemId)).ToArray();
    }

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, SeparateParams parameters, SeparationPlan plan, CancellationToken cancellationToken)
    {
        var item = unit.Item(plan.Item);
        var mixture = unit.ToOutputRate(await unit.ReadAsync(item, cancellationToken).ConfigureAwait(false));
        using var separator = parameters.Separator.Create(models);
        var stems = await SeparationParameters.SeparateAsync(separator, mixture, cancellationToken).ConfigureAwait(false);
        var key = await unit.WriteMainAsync(mixture, cancellationToken).ConfigureAwait(false);

        var assets = new List<OutputAsset>();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var mixEnergy = Energy(mixture);
        foreach (var name in separator.StemNames)
        {
            assets.Add(await unit.WriteAudioAssetAsync(name, stems[name], cancellationToken).ConfigureAwait(false));
            metrics[$"{name}_energy_db"] = mixEnergy > 0 ? Math.Round(10 * Math.Log10(Math.Max(Energy(stems[name]), 1e-20) / mixEnergy), 3) : double.NaN;
        }

        var provenance = unit.Provenance();
        SeparationParameters.DescribeInto(provenance, separator);

        provenance["sampleRate"] = mixture.SampleRate;
        provenance["sources"] = SourceRef.Array(new SourceRef(item, "mixture"));
        return SeparationParameters.ForItem(unit.Output(key, mixture, provenance), item, assets, metrics);
    }

    private static bool IsScoringMaterial(DatasetItem item) => ItemTallies.IsScoringMaterial(item);

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
}

/// <summary>The <c>separate</c> op's parameters: the separation method and its settings.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.SeparateParams")]
public sealed record SeparateParams(SeparatorSettings Separator) : OperationParams;
