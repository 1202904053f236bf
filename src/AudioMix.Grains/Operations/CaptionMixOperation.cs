using System.Text.Json.Nodes;
using AudioMix.Audio.Augmentation;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Mixing;
using AudioMix.Captions.Pairing;
using AudioMix.Grains.Audio;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Caption mix-up for audio captioning (Wu et al. 2023, the DCASE 2023 Task 6A winner; AudioGen's mixing as an
/// alternative): pairs of captioned clips are mixed and their captions merged into one sentence, by the built-in
/// merger or an OpenAI-compatible LLM. Parameters: see <see cref="Schema"/>.
/// </summary>
public sealed class CaptionMixOperation(BlobAudio audio, CaptionMergers mergers) : JobOperation<CaptionMixParams, CaptionMixPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "caption_mix";

    private const int MaxCount = 1_000_000;

    private static readonly ParameterDescriptor Count = Param.WholeNumber("count", null, 1, MaxCount, "Mixes to make (default: one per captioned item)");
    private static readonly ParameterDescriptor Mode = Param.Choice("mode", "wu", ["wu", "audiogen"], "Mixing: Wu et al. (±5 dB energy ratio) or AudioGen (SNR −5…4 dB)");
    private static readonly ParameterDescriptor SampleRate = Param.WholeNumber("sampleRate", 16_000, 8000, 192_000, "Rate the clips are mixed at, Hz");
    private static readonly ParameterDescriptor MaxSeconds = Param.Number("maxSeconds", 30, 0.5, 600, "Longest mix, seconds");
    private static readonly ParameterDescriptor Similarity = Param.Number("similarity", 0.8, 0, 1, "Caption similarity above which a pair counts as near-duplicate and is skipped");
    private static readonly ParameterDescriptor LabelDisjoint = Param.Flag("labelDisjoint", false, "Pair only items that share no label");
    private static readonly ParameterDescriptor MaxUses = Param.WholeNumber("maxUses", 4, 1, 10_000, "Most mixes one item takes part in");
    private static readonly ParameterDescriptor Variants = Param.WholeNumber("variants", null, 1, 10, "Merged captions per mix (default 3; with the llm merger, AudioMix:Captions:Llm:Variants)");
    private static readonly ParameterDescriptor Merger = Param.Choice("merger", "builtin", ["builtin", "llm"], "Caption merger: built-in deterministic or the configured OpenAI-compatible LLM");

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName, "Caption mix-up (Wu et al. 2023, DCASE 2023): captioned pairs mixed, captions merged (built-in or LLM)",
        Count, Mode, SampleRate, MaxSeconds, Similarity, LabelDisjoint, MaxUses, Variants, Merger);

    public override OperationDescriptor Descriptor => Schema;

    public override CaptionMixParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        var merger = p.Choice(Merger);
        var parsed = new CaptionMixParams(
            p.OptionalWholeNumber(Count),
            p.Choice(Mode),
            p.WholeNumber(SampleRate),
            p.Number(MaxSeconds),
            p.Number(Similarity),
            p.Flag(LabelDisjoint),
            p.WholeNumber(MaxUses),
            // Resolved now: a job keeps the variant count it was submitted with, whatever the configuration does later.
            p.WholeNumber(Variants, merger == "llm" ? mergers.LlmOptions.Variants : 3),
            merger);
        if (merger == "llm")
        {
            _ = mergers.Llm; // an LLM merger must be configured
        }

        return parsed;
    }

    /// <summary>Captioned items, each in at most maxUses mixes, no pair twice (<see cref="CaptionMixPlanner.Capacity"/>).</summary>
    protected override OperationCapacity CapacityOf(DatasetSummary dataset, CaptionMixParams parameters)
    {
        var captioned = dataset.CaptionedCount;
        if (captioned < 2)
        {
            return OperationCapacity.Impossible(0, $"needs at least two items with captions; the dataset has {captioned} of {dataset.ItemCount}", "Add captions (a metadata.jsonl \"caption\" column) or choose a captioned dataset.");
        }

        var capacity = CaptionMixPlanner.Capacity(captioned, parameters.MaxUses);
        var raise = parameters.Count is { } count && PairingCapacity.MaxUsesFor(captioned, count, distinctPairs: true) is { } uses
            ? $"raise maxUses to {uses}"
            : "add captioned items";
        return OperationCapacity.Counted(
            OpName, parameters.Count, capacity, captioned,
            $"{captioned} captioned items, each in at most maxUses {parameters.MaxUses} mixes, no pair twice", raise);
    }

    protected override IEnumerable<CaptionMixPlan> PlanUnits(IReadOnlyList<DatasetItem> items, CaptionMixParams parameters, long seed)
    {
        var captioned = items.Where(i => !string.IsNullOrWhiteSpace(i.Caption)).ToArray();
        if (captioned.Length < 2)
        {
            throw new ArgumentException($"{OpName}: needs at least two items with captions; the dataset has {captioned.Length} of {items.Count}.");
        }

        var clips = captioned.Select(i => new CaptionedClip(i.ItemId, i.Caption!, i.Labels)).ToArray();
        IReadOnlyList<CaptionMixPair> pairs;
        try
        {
            pairs = CaptionMixPlanner.Plan(clips, parameters.PlanOptions(captioned.Length), seed);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }

        return pairs.Select(pair => new CaptionMixPlan(clips[pair.First].Id, clips[pair.Second].Id, Math.Round(pair.Similarity, 6), pair.Seed)).ToArray();
    }

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, CaptionMixParams parameters, CaptionMixPlan plan, CancellationToken cancellationToken)
    {
        var first = unit.Item(plan.First);
        var second = unit.Item(plan.Second);
        var a = await unit.ReadAsync(first, cancellationToken).ConfigureAwait(false);
        var b = await unit.ReadAsync(second, cancellationToken).ConfigureAwait(false);
        var mixOptions = parameters.MixOptions;
        var mix = CaptionAudioMixer.Mix(a, b, mixOptions, plan.Seed);
        var output = unit.ToOutputRate(mix.Audio);
        var key = await unit.WriteMainAsync(output, cancellationToken).ConfigureAwait(false);

        var request = new CaptionMergeRequest(first.Caption!, second.Caption!, parameters.Variants, plan.Seed);
        var merged = await (parameters.Merger == "llm" ? mergers.Llm : (ICaptionMerger)mergers.BuiltIn).MergeAsync(request, cancellationToken).ConfigureAwait(false);
        var rejected = merged.Rejected;
        string? fallback = null;
        if (merged.Captions.Count == 0)
        {
            // Every LLM reply failed: the unit still gets a caption, from the built-in merger, and says so.
            fallback = mergers.BuiltIn.Name;
            merged = (await mergers.BuiltIn.MergeAsync(request, cancellationToken).ConfigureAwait(false)) with { Rejected = rejected };
        }

        var wu = mixOptions.Mode == CaptionMixMode.Wu;
        var provenance = unit.Provenance();
        provenance["mixSeed"] = plan.Seed;
        provenance["mode"] = wu ? "wu" : "audiogen";
        provenance["sampleRate"] = mixOptions.SampleRate;
        provenance["maxSeconds"] = mixOptions.MaxSeconds;
        provenance["similarity"] = plan.Similarity;
        provenance["similarityThreshold"] = parameters.Similarity;
        provenance[wu ? "energyRatioDb" : "snrDb"] = Math.Round(mix.RatioDb, 3);
        provenance["mixLevelDbfs"] = mix.MixLevelDbfs;
        provenance["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3);
        provenance["overlap"] = Math.Round(mix.Overlap, 4);
        provenance["sources"] = SourceRef.Array(
            new SourceRef(first, "first") { GainDb = mix.FirstGainDb, OffsetSeconds = mix.FirstOffsetSeconds, WithCaption = true },
            new SourceRef(second, "second") { GainDb = mix.SecondGainDb, OffsetSeconds = mix.SecondOffsetSeconds, WithCaption = true });
        provenance["gains"] = new JsonArray(Math.Round(mix.FirstGainDb, 3), Math.Round(mix.SecondGainDb, 3));
        provenance["offsets"] = new JsonArray(Math.Round(mix.FirstOffsetSeconds, 6), Math.Round(mix.SecondOffsetSeconds, 6));
        provenance["sourceCaptions"] = new JsonArray(first.Caption, second.Caption);
        provenance["merger"] = merged.Merger;
        provenance["mergedCaption"] = merged.Captions[0];
        provenance["captions"] = new JsonArray(merged.Captions.Select(c => (JsonNode?)c).ToArray());
        provenance["rejected"] = new JsonArray(rejected.Select(r => (JsonNode?)new JsonObject { ["reply"] = r.Reply, ["reason"] = r.Reason }).ToArray());
        if (fallback is not null)
        {
            provenance["fallback"] = fallback;
        }

        return unit.Output(key, output, provenance) with { Caption = merged.Captions[0] };
    }
}

/// <summary>Caption mix's parameters (see <see cref="CaptionMixOperation.Schema"/>); <see cref="Count"/> null: one per captioned item.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.CaptionMixParams")]
public sealed record CaptionMixParams(
    int? Count, string Mode, int SampleRate, double MaxSeconds, double Similarity, bool LabelDisjoint, int MaxUses, int Variants, string Merger)
    : OperationParams
{
    /// <inheritdoc/>
    public override long MaxUnits(int items) => Count ?? Math.Max(1, items);

    internal CaptionMixPlanOptions PlanOptions(int captionedItems) => new()
    {
        // Left out, count is one per captioned item, never more than they can supply.
        Count = Count ?? (int)Math.Max(1, Math.Min(captionedItems, CaptionMixPlanner.Capacity(captionedItems, MaxUses))),
        SimilarityThreshold = Similarity,
        LabelDisjoint = LabelDisjoint,
        MaxUsesPerItem = MaxUses,
    };

    internal CaptionMixOptions MixOptions => new()
    {
        Mode = Mode == "audiogen" ? CaptionMixMode.AudioGen : CaptionMixMode.Wu,
        SampleRate = SampleRate,
        MaxSeconds = MaxSeconds,
    };
}

/// <summary>The plan of one caption-mix unit.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.CaptionMixPlan")]
public sealed record CaptionMixPlan(string First, string Second, double Similarity, long Seed) : UnitPlan
{
    public override IReadOnlyList<string> Sources => new[] { First, Second };
}
