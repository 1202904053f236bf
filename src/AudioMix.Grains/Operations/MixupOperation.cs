using System.Text.Json.Nodes;
using AudioMix.Audio.Augmentation;
using AudioMix.Grains.Audio;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Classic mixup for classification (Zhang et al. 2018): pairs of items, λ ~ Beta(α, α), loudness
/// aligned before mixing, soft labels. Parameters: see <see cref="Schema"/>.
/// </summary>
public sealed class MixupOperation(BlobAudio audio) : JobOperation<MixupParams, MixupPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "mixup";

    private const int MaxCount = 1_000_000;

    private static readonly ParameterDescriptor Alpha = Param.Number("alpha", 0.4, 1e-3, 1e3, "Beta(α, α) concentration of the mixing weight λ");
    private static readonly ParameterDescriptor Count = Param.WholeNumber("count", null, 1, MaxCount, "Outputs to make (default: one per item)");
    private static readonly ParameterDescriptor Length = Param.Choice("length", "anchor", ["anchor", "shortest", "longest"], "Output length: the anchor's, the shorter or the longer source's");
    private static readonly ParameterDescriptor TargetLufs = Param.Number("targetLufs", null, -70, 0, "Loudness both sources are aligned to, LUFS (default: the anchor's own)");

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName, "Mixup (Zhang et al. 2018): pairs mixed with λ ~ Beta(α, α), soft labels", Alpha, Count, Length, TargetLufs);

    public override OperationDescriptor Descriptor => Schema;

    public override MixupParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        return new MixupParams(p.Number(Alpha), p.OptionalWholeNumber(Count), p.Choice(Length), p.OptionalNumber(TargetLufs));
    }

    /// <summary>Pairs are drawn with replacement (<see cref="Mixup.Plan"/>): any count up to the maximum, from two items on.</summary>
    protected override OperationCapacity CapacityOf(DatasetSummary dataset, MixupParams parameters) =>
        dataset.ItemCount < 2
            ? OperationCapacity.Impossible(0, $"needs at least 2 items; the dataset has {dataset.ItemCount}", "Upload more items.")
            : new(parameters.Count, MaxCount, dataset.ItemCount, $"pairs drawn with replacement from {dataset.ItemCount} items");

    protected override IEnumerable<MixupPlan> PlanUnits(IReadOnlyList<DatasetItem> items, MixupParams parameters, long seed) =>
        Mixup.Plan(items.Count, parameters.Count ?? items.Count, parameters.Alpha, seed)
            .Select(pair => new MixupPlan(items[pair.Anchor].ItemId, items[pair.Partner].ItemId, pair.Lambda));

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, MixupParams parameters, MixupPlan plan, CancellationToken cancellationToken)
    {
        var options = parameters.Options;
        var anchorItem = unit.Item(plan.Anchor);
        var partnerItem = unit.Item(plan.Partner);
        var anchor = await unit.ReadAsync(anchorItem, cancellationToken).ConfigureAwait(false);
        var partner = await unit.ReadAsync(partnerItem, cancellationToken).ConfigureAwait(false);
        var mix = Mixup.Mix(anchor, partner, plan.Lambda, options);
        var output = unit.ToOutputRate(mix.Audio);
        var key = await unit.WriteMainAsync(output, cancellationToken).ConfigureAwait(false);

        var soft = Mixup.SoftLabels(anchorItem.Labels, partnerItem.Labels, plan.Lambda);
        var provenance = unit.Provenance();
        provenance["alpha"] = parameters.Alpha;
        provenance["lambda"] = Math.Round(plan.Lambda, 6);
        provenance["length"] = parameters.Length;
        provenance["targetLufs"] = parameters.TargetLufs;
        provenance["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3);
        provenance["sources"] = SourceRef.Array(
            Source(anchorItem, "anchor", plan.Lambda, mix.AnchorGainDb, 1.0),
            Source(partnerItem, "partner", 1 - plan.Lambda, mix.PartnerGainDb, mix.PartnerResampleRatio));
        // The JobOutput contract's flat view, one entry per source in order: gains in dB, offsets in seconds.
        provenance["gains"] = new JsonArray(Math.Round(mix.AnchorGainDb, 3), Math.Round(mix.PartnerGainDb, 3));
        provenance["offsets"] = new JsonArray(0.0, 0.0);
        return unit.Output(key, output, provenance) with
        {
            Label = soft.Count == 0 ? null : soft.MaxBy(kv => kv.Value).Key,
            SoftLabels = soft.Count == 0 ? null : new Dictionary<string, double>(soft),
            Caption = anchorItem.Caption,
        };
    }

    private static SourceRef Source(DatasetItem item, string role, double weight, double gainDb, double resampleRatio) =>
        new(item, role) { Weight = weight, GainDb = gainDb, OffsetSeconds = 0.0, Extras = [new("resampleRatio", Math.Round(resampleRatio, 9))] };
}

/// <summary>Mixup's parameters.</summary>
/// <param name="Alpha">Beta(α, α) concentration.</param>
/// <param name="Count">Outputs; null: one per item (resolved at planning).</param>
/// <param name="Length">anchor | shortest | longest.</param>
/// <param name="TargetLufs">Loudness target; null: the anchor's.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.MixupParams")]
public sealed record MixupParams(double Alpha, int? Count, string Length, double? TargetLufs) : OperationParams
{
    /// <inheritdoc/>
    public override long MaxUnits(int items) => Count ?? items;

    /// <summary>The mixer's options.</summary>
    internal MixupOptions Options => new()
    {
        Alpha = Alpha,
        Length = Length switch
        {
            "shortest" => MixLengthPolicy.Shortest,
            "longest" => MixLengthPolicy.Longest,
            _ => MixLengthPolicy.Anchor,
        },
        TargetLufs = TargetLufs,
    };
}

/// <summary>The plan of one mixup unit.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.MixupPlan")]
public sealed record MixupPlan(string Anchor, string Partner, double Lambda) : UnitPlan
{
    public override IReadOnlyList<string> Sources => new[] { Anchor, Partner };
}
