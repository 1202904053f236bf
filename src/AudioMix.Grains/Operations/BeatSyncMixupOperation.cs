using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Dsp.TimeStretch;
using AudioMix.Captions.Merging;
using AudioMix.Grains.Audio;
using AudioMix.Music.Beats;
using AudioMix.Music.Mixing;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Beat-synchronous mixup (MusicLDM's BAM, beats-mixup §1.8): tempo-compatible pairs (octave folding, tolerance with
/// stretch, meter match, bounded uses), both cut at a downbeat, partner stretched to the anchor's tempo and grid-aligned,
/// loudness-matched, λ ~ Beta(α, α). Every item's beats are analysed once per content hash (<see cref="BeatAnalysisCache"/>)
/// in <see cref="PrepareItemsAsync"/>; an item whose metadata already carries <c>beat_analysis</c> (e.g. from an external
/// tracker) uses that instead. With <c>pairsOnly</c> the unit writes the aligned, levelled anchor and partner (not their
/// mix) plus a <c>pair</c> JSON file: what a trainer that mixes in a latent space (MusicLDM's BLM) needs.
/// </summary>
public sealed class BeatSyncMixupOperation(BlobAudio audio, BeatAnalysisCache analyses) : JobOperation<BeatSyncMixupParams, BeatSyncMixupPlan>(audio)
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "beat_sync_mixup";

    /// <summary>Item metadata field holding a beat analysis (<see cref="BeatAnalysisJson"/> shape).</summary>
    public const string AnalysisField = "beat_analysis";

    private const int MaxCount = 1_000_000;

    private static readonly ParameterDescriptor Count = Param.WholeNumber("count", null, 1, MaxCount, "Mixes to make (default: one per item)");
    private static readonly ParameterDescriptor Alpha = Param.Number("alpha", 5, 1e-3, 1e3, "Beta(α, α) concentration of the mixing weight λ");
    private static readonly ParameterDescriptor Tolerance = Param.Number("tolerance", 0.06, 0, 0.15, "Largest relative tempo mismatch of a pair (after octave folding)");
    private static readonly ParameterDescriptor NoStretchTolerance = Param.Number("noStretchTolerance", null, 0, 0.15, "Mismatch below which the partner is not stretched (default: the smaller of 0.003 and tolerance; at most tolerance)");
    private static readonly ParameterDescriptor OctaveFolding = Param.Flag("octaveFolding", true, "Pair tempi an octave apart (double/half time)");
    private static readonly ParameterDescriptor MeterMatch = Param.Flag("meterMatch", false, "Pair only items with the same meter");
    private static readonly ParameterDescriptor MaxUses = Param.WholeNumber("maxUses", 4, 1, MaxCount, "Most mixes one item takes part in");
    private static readonly ParameterDescriptor MinConfidence = Param.Number("minConfidence", BeatSyncPairOptions.DefaultMinConfidence, 0, 1, "Least beat-tracking confidence (detection-function agreement) of a paired item; items below are skipped");
    private static readonly ParameterDescriptor Length = Param.Number("length", null, 0.5, 3600, "Mix length, seconds (default: as long as both allow; not with bars)");
    private static readonly ParameterDescriptor Bars = Param.WholeNumber("bars", 0, 0, 10_000, "Mix length in bars (0: use length; not with length)");
    private static readonly ParameterDescriptor TargetLufs = Param.Number("targetLufs", null, -70, 0, "Loudness both sources are matched to, LUFS (default: the anchor's own)");
    private static readonly ParameterDescriptor Stretch = Param.Choice("stretch", "phase_vocoder", ["phase_vocoder", "wsola"], "Time-stretch method for the partner");
    private static readonly ParameterDescriptor Labels = Param.Choice("labels", "anchor", ["anchor", "both", "merged"], "Labels and caption: the anchor's, both weighted by λ, or both with merged captions");
    private static readonly ParameterDescriptor PairsOnly = Param.Flag("pairsOnly", false, "Write the aligned, levelled sources and a pair file instead of the mix (latent-space trainers)");

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "Beat-synchronous mixup (MusicLDM): tempo-matched pairs cut at downbeats, partner stretched, grids aligned",
        Count, Alpha, Tolerance, NoStretchTolerance, OctaveFolding, MeterMatch, MaxUses, MinConfidence, Length, Bars, TargetLufs, Stretch, Labels, PairsOnly);

    public override OperationDescriptor Descriptor => Schema;

    public override BeatSyncMixupParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        var tolerance = p.Number(Tolerance);
        var parsed = new BeatSyncMixupParams(
            Count: p.OptionalWholeNumber(Count),
            Tolerance: tolerance,
            NoStretchTolerance: p.Number(NoStretchTolerance, Math.Min(0.003, tolerance), tolerance),
            OctaveFolding: p.Flag(OctaveFolding),
            MeterMatch: p.Flag(MeterMatch),
            MaxUses: p.WholeNumber(MaxUses),
            MinConfidence: p.Number(MinConfidence),
            Alpha: p.Number(Alpha),
            LengthSeconds: p.OptionalNumber(Length),
            Bars: p.WholeNumber(Bars),
            TargetLufs: p.OptionalNumber(TargetLufs),
            Stretch: p.Choice(Stretch),
            Labels: "anchor",
            PairsOnly: false);
        if (parsed.LengthSeconds is not null && parsed.Bars > 0)
        {
            throw new ArgumentException($"{OpName}: give 'length' (seconds) or 'bars', not both.");
        }

        parsed.Pairing.Validate();
        parsed.Mixing.Validate();
        return parsed with { Labels = p.Choice(Labels), PairsOnly = p.Flag(PairsOnly) };
    }

    protected override async Task<IReadOnlyList<DatasetItem>> PrepareItemsAsync(
        IReadOnlyList<DatasetItem> items, BeatSyncMixupParams parameters, IProgress<PreparationProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(progress);
        var prepared = new DatasetItem[items.Count];
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, ct) =>
            {
                var item = items[i];
                if (item.Metadata?.ContainsKey(AnalysisField) != true)
                {
                    var json = await analyses.GetOrAnalyzeAsync(item, ct).ConfigureAwait(false);
                    var metadata = new Dictionary<string, string>(item.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [AnalysisField] = json };
                    item = item with { Metadata = metadata };
                }

                prepared[i] = item;
                progress.Report(new PreparationProgress(Interlocked.Increment(ref done), items.Count));
            }).ConfigureAwait(false);
        return prepared;
    }

    /// <summary>
    /// Each item in at most maxUses pairs (<see cref="BeatSyncPairPlanner.Capacity"/>), counted over every item: an upper
    /// bound, since items without a confident beat grid or a partner of compatible tempo drop out after beat analysis.
    /// </summary>
    protected override OperationCapacity CapacityOf(DatasetSummary dataset, BeatSyncMixupParams parameters)
    {
        if (dataset.ItemCount < 2)
        {
            return OperationCapacity.Impossible(0, $"needs at least 2 items; the dataset has {dataset.ItemCount}", "Upload more tracks.");
        }

        var capacity = BeatSyncPairPlanner.Capacity(dataset.ItemCount, parameters.MaxUses);
        var raise = parameters.Count is { } count && PairingCapacity.MaxUsesFor(dataset.ItemCount, count, distinctPairs: false) is { } uses
            ? $"raise maxUses to {uses}"
            : "add tracks";
        return OperationCapacity.Counted(
            OpName, parameters.Count, capacity, dataset.ItemCount,
            $"{dataset.ItemCount} items, each in at most maxUses {parameters.MaxUses} mixes (at most: beat analysis may leave items out)", raise);
    }

    protected override IEnumerable<BeatSyncMixupPlan> PlanUnits(IReadOnlyList<DatasetItem> items, BeatSyncMixupParams parameters, long seed)
    {
        var pairing = parameters.Pairing;
        var tracks = items.Select(i => new AnalysedTrack(Analysis(i), i.Duration)).ToArray();
        var mixes = BeatSyncMixer.PlanMixes(tracks, parameters.Count ?? Math.Max(1, items.Count), seed, pairing, parameters.Mixing);
        if (mixes.Count == 0)
        {
            var tempi = string.Join(", ", tracks.Select(t => t.Analysis.Tempo.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)));
            throw new InvalidOperationException(
                $"{OpName}: no two items have compatible tempi within a tolerance of {pairing.Tolerance:P1} (tracked tempi: {tempi} BPM; " +
                $"items need at least {pairing.MinBeats} beats and confidence ≥ {pairing.MinConfidence}).");
        }

        return mixes.Select(m => BeatSyncMixupPlan.From(items[m.Pair.Anchor].ItemId, items[m.Pair.Partner].ItemId, m)).ToArray();
    }

    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, BeatSyncMixupParams parameters, BeatSyncMixupPlan plan, CancellationToken cancellationToken)
    {
        var mixing = parameters.Mixing;
        var (anchorItem, partnerItem) = (unit.Item(plan.Anchor), unit.Item(plan.Partner));
        var sources = await Task.WhenAll(unit.ReadAsync(anchorItem, cancellationToken), unit.ReadAsync(partnerItem, cancellationToken)).ConfigureAwait(false);

        var mix = BeatSyncMixer.Blend(BeatSyncMixer.Align(sources[0], sources[1], plan.ToCut(), mixing), plan.Lambda, mixing);
        var (soft, caption) = LabelsAndCaption(parameters.Labels, anchorItem, partnerItem, plan.Lambda);
        var provenance = Provenance(unit, parameters, plan, mix, anchorItem, partnerItem);
        var assets = (IReadOnlyList<OutputAsset>?)null;
        string outputKey;
        AudioBuffer main;
        if (parameters.PairsOnly)
        {
            var a = Levelled(mix.Alignment.Anchor, mix.AnchorGainDb, unit);
            var b = Levelled(mix.Alignment.Partner, mix.PartnerGainDb, unit);
            var anchorAsset = await unit.WriteAudioAssetAsync("anchor", a, cancellationToken, plan.AnchorDownbeat, plan.AnchorDownbeat + a.Duration).ConfigureAwait(false);
            var partnerAsset = await unit.WriteAudioAssetAsync("partner", b, cancellationToken, plan.PartnerCut, plan.PartnerCut + (b.Duration / plan.StretchRatio)).ConfigureAwait(false);
            var pairAsset = await unit.WriteJsonAssetAsync("pair", provenance.ToJsonString() + "\n", cancellationToken).ConfigureAwait(false);
            assets = new[] { anchorAsset, partnerAsset, pairAsset };
            outputKey = anchorAsset.Key;
            main = a;
        }
        else
        {
            main = unit.ToOutputRate(mix.Audio);
            outputKey = await unit.WriteMainAsync(main, cancellationToken).ConfigureAwait(false);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["tempo"] = Math.Round(plan.AnchorTempo, 2),
            ["stretch"] = Math.Round(plan.StretchRatio, 5),
            ["lambda"] = Math.Round(plan.Lambda, 4),
        };
        if (plan.GridOffset is { } offset)
        {
            metrics["gridOffsetMs"] = Math.Round(offset * 1000, 2);
        }

        return unit.Output(outputKey, main, provenance) with
        {
            Label = soft.Count == 0 ? null : soft.MaxBy(kv => kv.Value).Key,
            SoftLabels = soft.Count == 0 ? null : soft,
            Caption = caption,
            Assets = assets,
            Metrics = metrics,
        };
    }

    /// <summary>
    /// Labels and caption of a mix under the policy: <c>anchor</c> keeps the anchor's (MusicLDM); <c>both</c> weighs both
    /// sources' labels by λ and keeps the dominant source's caption; <c>merged</c> weighs labels the same way and joins
    /// both captions into one sentence, dominant first (<see cref="BuiltInCaptionMerger"/>).
    /// </summary>
    internal static (Dictionary<string, double> Soft, string? Caption) LabelsAndCaption(string policy, DatasetItem anchor, DatasetItem partner, double lambda)
    {
        if (policy == "anchor")
        {
            return (new Dictionary<string, double>(Mixup.SoftLabels(anchor.Labels, [], 1.0)), anchor.Caption);
        }

        var soft = new Dictionary<string, double>(Mixup.SoftLabels(anchor.Labels, partner.Labels, lambda));
        var (dominant, other) = lambda >= 0.5 ? (anchor.Caption, partner.Caption) : (partner.Caption, anchor.Caption);
        return (soft, policy == "merged" ? MergeCaptions(dominant, other) : dominant);
    }

    /// <summary>
    /// Both captions merged into one sentence by the caption-mix work's deterministic merger (dominant first);
    /// either alone when the other is empty.
    /// </summary>
    internal static string? MergeCaptions(string? first, string? second)
    {
        first = string.IsNullOrWhiteSpace(first) ? null : first.Trim();
        second = string.IsNullOrWhiteSpace(second) ? null : second.Trim();
        return first is null || second is null ? first ?? second : BuiltInCaptionMerger.Merge(first, second, variants: 1)[0];
    }

    private static JsonObject Provenance(UnitRenderer unit, BeatSyncMixupParams p, BeatSyncMixupPlan plan, BeatSyncMixResult mix, DatasetItem anchor, DatasetItem partner)
    {
        var provenance = unit.Provenance();
        provenance["alpha"] = p.Alpha;
        provenance["lambda"] = Math.Round(plan.Lambda, 6);
        provenance["labels"] = p.Labels;
        provenance["pairsOnly"] = p.PairsOnly;
        provenance["pair"] = new JsonArray(anchor.ItemId, partner.ItemId);
        provenance["anchorTempo"] = Math.Round(plan.AnchorTempo, 4);
        provenance["partnerTempo"] = Math.Round(plan.PartnerTempo, 4);
        provenance["octaveFactor"] = plan.OctaveFactor;
        provenance["tempoMismatch"] = Math.Round(plan.Mismatch, 6);
        provenance["stretchRatio"] = Math.Round(plan.StretchRatio, 9);
        provenance["plannedStretchRatio"] = Math.Round(plan.PlannedStretchRatio, 9);
        provenance["stretchMethod"] = p.Stretch == "wsola" ? "wsola" : "phase_vocoder";
        provenance["anchorDownbeat"] = Math.Round(plan.AnchorDownbeat, 6);
        provenance["partnerDownbeat"] = Math.Round(plan.PartnerDownbeat, 6);
        provenance["partnerCut"] = Math.Round(plan.PartnerCut, 6);
        provenance["gridShiftMs"] = Math.Round(plan.GridShift * 1000, 3);
        provenance["predictedGridOffsetMs"] = plan.GridOffset is { } g ? Math.Round(g * 1000, 3) : null;
        provenance["length"] = Math.Round(plan.Length, 6);
        provenance["targetLufs"] = p.TargetLufs;
        provenance["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3);
        provenance["minConfidence"] = p.MinConfidence;
        provenance["beatConfidence"] = new JsonArray(Confidence(anchor), Confidence(partner));
        provenance["alignmentCheck"] = OnsetAlignmentCheck.Measure(mix.Alignment.Anchor, mix.Alignment.Partner, 60.0 / plan.AnchorTempo).ToJson();
        provenance["sources"] = SourceRef.Array(
            Source(anchor, "anchor", plan.Lambda, mix.AnchorGainDb, plan.AnchorDownbeat, plan.AnchorTempo, 1.0, 1.0),
            Source(partner, "partner", 1 - plan.Lambda, mix.PartnerGainDb, plan.PartnerCut, plan.PartnerTempo, plan.StretchRatio, mix.Alignment.PartnerResampleRatio));
        // The JobOutput contract's flat view, one entry per source in order: gains in dB, offsets (cut points) in seconds.
        provenance["gains"] = new JsonArray(Math.Round(mix.AnchorGainDb, 3), Math.Round(mix.PartnerGainDb, 3));
        provenance["offsets"] = new JsonArray(Math.Round(plan.AnchorDownbeat, 6), Math.Round(plan.PartnerCut, 6));
        return provenance;
    }

    private static SourceRef Source(DatasetItem item, string role, double weight, double gainDb, double cut, double tempo, double stretch, double resample) =>
        new(item, role)
        {
            Weight = weight,
            GainDb = gainDb,
            OffsetSeconds = cut,
            Extras = [new("tempo", Math.Round(tempo, 4)), new("stretchRatio", Math.Round(stretch, 9)), new("resampleRatio", Math.Round(resample, 9))],
            WithCaption = true,
        };

    private static AudioBuffer Levelled(AudioBuffer aligned, double gainDb, UnitRenderer unit)
    {
        var copy = aligned.Clone();
        copy.ApplyGain((float)Math.Pow(10, gainDb / 20));
        return unit.ToOutputRate(copy);
    }

    /// <summary>The item's beat-tracking confidence when its analysis travels with it, else null.</summary>
    private static double? Confidence(DatasetItem item) =>
        item.Metadata?.TryGetValue(AnalysisField, out var json) == true && json is not null
            ? Math.Round(BeatAnalysisJson.Parse(json).Confidence, 4)
            : null;

    private static BeatAnalysis Analysis(DatasetItem item)
    {
        if (item.Metadata?.TryGetValue(AnalysisField, out var json) != true)
        {
            throw new InvalidOperationException($"{OpName}: item {item.ItemId} has no beat analysis; the job prepares one before planning.");
        }

        try
        {
            return BeatAnalysisJson.Parse(json!);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{OpName}: item {item.ItemId} ({item.FileName}) has an unusable '{AnalysisField}': {ex.Message}", ex);
        }
    }
}

/// <summary>Beat-sync mixup's parameters (see <see cref="BeatSyncMixupOperation.Schema"/>); <see cref="Count"/> null: one per item.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.BeatSyncMixupParams")]
public sealed record BeatSyncMixupParams(
    int? Count, double Alpha, double Tolerance, double NoStretchTolerance, bool OctaveFolding, bool MeterMatch, int MaxUses, double MinConfidence,
    double? LengthSeconds, int Bars, double? TargetLufs, string Stretch, string Labels, bool PairsOnly) : OperationParams
{
    /// <inheritdoc/>
    public override long MaxUnits(int items) => Count ?? Math.Max(1, items);

    internal BeatSyncPairOptions Pairing => new()
    {
        Tolerance = Tolerance,
        NoStretchTolerance = NoStretchTolerance,
        OctaveFolding = OctaveFolding,
        RequireMeterMatch = MeterMatch,
        MaxUsesPerItem = MaxUses,
        MinConfidence = MinConfidence,
        Alpha = Alpha,
    };

    internal BeatSyncMixOptions Mixing => new()
    {
        LengthSeconds = LengthSeconds,
        LengthBars = Bars > 0 ? Bars : null,
        TargetLufs = TargetLufs,
        StretchMethod = Stretch == "wsola" ? TimeStretchMethod.Wsola : TimeStretchMethod.PhaseVocoder,
    };
}

/// <summary>
/// The plan of one beat-sync mixup unit: the pair, λ, the stretch and both cut points (all the provenance).
/// <c>StretchRatio</c> is the ratio applied (fitted to the mixed beats), <c>PlannedStretchRatio</c> the planner's from the tempi.
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.BeatSyncMixupPlan")]
public sealed record BeatSyncMixupPlan(
    string Anchor,
    string Partner,
    double Lambda,
    double OctaveFactor,
    double Mismatch,
    double StretchRatio,
    double AnchorTempo,
    double PartnerTempo,
    double AnchorDownbeat,
    double PartnerDownbeat,
    double PartnerCut,
    double GridShift,
    double Length,
    double? GridOffset,
    double PlannedStretchRatio) : UnitPlan
{
    public override IReadOnlyList<string> Sources => new[] { Anchor, Partner };

    internal static BeatSyncMixupPlan From(string anchor, string partner, BeatSyncMixPlan mix)
    {
        var (pair, cut) = (mix.Pair, mix.Cut);
        return new(
            anchor, partner, pair.Lambda, pair.OctaveFactor, pair.Mismatch, cut.StretchRatio, cut.AnchorTempo, cut.PartnerTempo,
            cut.AnchorDownbeat, cut.PartnerDownbeat, cut.PartnerCut, cut.GridShiftSeconds, cut.Length,
            double.IsNaN(cut.GridOffsetSeconds) ? null : cut.GridOffsetSeconds, pair.StretchRatio);
    }

    /// <summary>The cut for rendering (the beat grids are not needed to render and are not kept).</summary>
    internal BeatSyncCut ToCut() =>
        new(AnchorTempo, PartnerTempo, OctaveFactor, StretchRatio, AnchorDownbeat, PartnerDownbeat, PartnerCut, GridShift, Length, GridOffset ?? double.NaN, [], []);
}
