using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Dsp;
using AudioMix.Grains.Audio;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Classic mixup for classification (Zhang et al. 2018): pairs of items, λ ~ Beta(α, α), loudness
/// aligned before mixing, soft labels. Parameters: <c>alpha</c> (0.4), <c>count</c> (one per item),
/// <c>length</c> (anchor | shortest | longest), <c>targetLufs</c> (null: the anchor's own level).
/// </summary>
public sealed class MixupOperation(BlobAudio audio) : IJobOperation
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "mixup";

    private const int MaxCount = 1_000_000;

    public string Name => OpName;

    public void Validate(string parametersJson, DatasetKind kind) => Read(parametersJson, itemCount: 2);

    public IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex)
    {
        var p = Read(parametersJson, items.Count);
        var pairs = Mixup.Plan(items.Count, p.Count, p.Options.Alpha, seed);
        return pairs.Select((pair, i) => new PlannedUnit(
            firstIndex + i,
            OpName,
            JsonSerializer.Serialize(new MixupPlan(items[pair.Anchor].ItemId, items[pair.Partner].ItemId, pair.Lambda), MixupJson.Default.MixupPlan),
            new[] { items[pair.Anchor].ItemId, items[pair.Partner].ItemId })).ToArray();
    }

    public async Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        var p = Read(context.ParametersJson, context.Items.Count);
        var plan = JsonSerializer.Deserialize(unit.PlanJson, MixupJson.Default.MixupPlan)
            ?? throw new InvalidOperationException($"Unit {unit.Index} has no mixup plan.");
        var anchorItem = Item(context, plan.Anchor);
        var partnerItem = Item(context, plan.Partner);

        var anchor = await audio.ReadAsync(anchorItem.BlobKey, anchorItem.FileName, cancellationToken).ConfigureAwait(false);
        var partner = await audio.ReadAsync(partnerItem.BlobKey, partnerItem.FileName, cancellationToken).ConfigureAwait(false);
        var mix = Mixup.Mix(anchor, partner, plan.Lambda, p.Options);
        var output = mix.Audio;
        if (context.Spec.Output.SampleRate is { } rate && rate != output.SampleRate)
        {
            output = Resampler.Resample(output, rate);
        }

        await audio.WriteWavAsync(context.OutputKey, output, context.SampleFormat, cancellationToken).ConfigureAwait(false);

        var soft = Mixup.SoftLabels(anchorItem.Labels, partnerItem.Labels, plan.Lambda);
        var label = soft.Count == 0 ? null : soft.MaxBy(kv => kv.Value).Key;
        var provenance = new JsonObject
        {
            ["op"] = OpName,
            ["seed"] = context.Spec.Seed,
            ["unit"] = unit.Index,
            ["alpha"] = p.Options.Alpha,
            ["lambda"] = Math.Round(plan.Lambda, 6),
            ["length"] = p.Options.Length.ToString().ToLowerInvariant(),
            ["targetLufs"] = p.Options.TargetLufs,
            ["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3),
            ["sources"] = new JsonArray(
                Source(anchorItem, "anchor", plan.Lambda, mix.AnchorGainDb, 1.0),
                Source(partnerItem, "partner", 1 - plan.Lambda, mix.PartnerGainDb, mix.PartnerResampleRatio)),
            // The JobOutput contract's flat view, one entry per source in order: gains in dB, offsets in seconds.
            ["gains"] = new JsonArray(Math.Round(mix.AnchorGainDb, 3), Math.Round(mix.PartnerGainDb, 3)),
            ["offsets"] = new JsonArray(0.0, 0.0),
        };
        return new JobOutput(
            unit.Index, OpName, context.OutputKey, output.Duration, output.SampleRate, output.ChannelCount,
            label, soft.Count == 0 ? null : new Dictionary<string, double>(soft), anchorItem.Caption, null,
            provenance.ToJsonString(), null, ReviewState.Pending);
    }

    private static JsonObject Source(DatasetItem item, string role, double weight, double gainDb, double resampleRatio)
    {
        var source = SourceProvenance.Describe(item, role, weight, gainDb, 0.0);
        source["resampleRatio"] = Math.Round(resampleRatio, 9);
        return source;
    }

    private static DatasetItem Item(UnitContext context, string id) =>
        context.Items.TryGetValue(id, out var item) ? item : throw new KeyNotFoundException($"Item {id} is no longer in the dataset.");

    private sealed record Parsed(int Count, MixupOptions Options);

    private static Parsed Read(string json, int itemCount)
    {
        var p = OperationParameters.Parse(OpName, json).AllowOnly("alpha", "count", "length", "targetLufs");
        var options = new MixupOptions
        {
            Alpha = p.Number("alpha", 0.4, 1e-3, 1e3),
            Length = p.Choice("length", "anchor", "anchor", "shortest", "longest") switch
            {
                "shortest" => MixLengthPolicy.Shortest,
                "longest" => MixLengthPolicy.Longest,
                _ => MixLengthPolicy.Anchor,
            },
            TargetLufs = p.OptionalNumber("targetLufs", -70, 0),
        };
        return new Parsed(p.WholeNumber("count", itemCount, 1, MaxCount), options);
    }
}

/// <summary>The plan of one mixup unit.</summary>
internal sealed record MixupPlan(string Anchor, string Partner, double Lambda);

[System.Text.Json.Serialization.JsonSerializable(typeof(MixupPlan))]
internal sealed partial class MixupJson : System.Text.Json.Serialization.JsonSerializerContext;
