using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Dsp.TimeStretch;
using AudioMix.Captions.Merging;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Music.Beats;
using AudioMix.Music.Mixing;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Beat-synchronous mixup (MusicLDM's BAM, beats-mixup §1.8): tempo-compatible pairs (octave folding, tolerance with
/// stretch, meter match, bounded uses), both cut at a downbeat, partner stretched to the anchor's tempo and grid-aligned,
/// loudness-matched, λ ~ Beta(α, α). Every item's beats are analysed once per content hash (<see cref="BeatAnalysisCache"/>)
/// in <see cref="PrepareAsync"/>; an item whose metadata already carries <c>beat_analysis</c> (e.g. from an external
/// tracker) uses that instead. With <c>pairsOnly</c> the unit writes the aligned, levelled anchor and partner (not their
/// mix) plus a <c>pair</c> JSON file: what a trainer that mixes in a latent space (MusicLDM's BLM) needs.
/// </summary>
public sealed class BeatSyncMixupOperation(BlobAudio audio, BeatAnalysisCache analyses) : IJobOperation
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "beat_sync_mixup";

    /// <summary>Item metadata field holding a beat analysis (<see cref="BeatAnalysisJson"/> shape).</summary>
    public const string AnalysisField = "beat_analysis";

    private const int MaxCount = 1_000_000;

    private static readonly string[] Known =
    [
        "count", "alpha", "tolerance", "noStretchTolerance", "octaveFolding", "meterMatch", "maxUses", "minConfidence",
        "length", "bars", "targetLufs", "stretch", "labels", "pairsOnly",
    ];

    public string Name => OpName;

    public void Validate(string parametersJson, DatasetKind kind) => Read(parametersJson, itemCount: 2);

    public async Task<IReadOnlyList<DatasetItem>> PrepareAsync(
        IReadOnlyList<DatasetItem> items, string parametersJson, IProgress<PreparationProgress> progress, CancellationToken cancellationToken)
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

    public IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex)
    {
        var p = Read(parametersJson, items.Count);
        var tracks = items.Select(i => new AnalysedTrack(Analysis(i), i.Duration)).ToArray();
        var mixes = BeatSyncMixer.PlanMixes(tracks, p.Count, seed, p.Pairing, p.Mixing);
        if (mixes.Count == 0)
        {
            var tempi = string.Join(", ", tracks.Select(t => t.Analysis.Tempo.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)));
            throw new InvalidOperationException(
                $"{OpName}: no two items have compatible tempi within a tolerance of {p.Pairing.Tolerance:P1} (tracked tempi: {tempi} BPM; " +
                $"items need at least {p.Pairing.MinBeats} beats and confidence ≥ {p.Pairing.MinConfidence}).");
        }

        return mixes.Select((m, i) => new PlannedUnit(
            firstIndex + i,
            OpName,
            JsonSerializer.Serialize(BeatSyncMixupPlan.From(items[m.Pair.Anchor].ItemId, items[m.Pair.Partner].ItemId, m), BeatSyncMixupJson.Default.BeatSyncMixupPlan),
            new[] { items[m.Pair.Anchor].ItemId, items[m.Pair.Partner].ItemId })).ToArray();
    }

    public async Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(unit);
        var p = Read(context.ParametersJson, context.Items.Count);
        var plan = JsonSerializer.Deserialize(unit.PlanJson, BeatSyncMixupJson.Default.BeatSyncMixupPlan)
            ?? throw new InvalidOperationException($"Unit {unit.Index} has no beat-sync mixup plan.");
        var (anchorItem, partnerItem) = (Item(context, plan.Anchor), Item(context, plan.Partner));
        var sources = await Task.WhenAll(
            audio.ReadAsync(anchorItem.BlobKey, anchorItem.FileName, cancellationToken),
            audio.ReadAsync(partnerItem.BlobKey, partnerItem.FileName, cancellationToken)).ConfigureAwait(false);

        var mix = BeatSyncMixer.Blend(BeatSyncMixer.Align(sources[0], sources[1], plan.ToCut(), p.Mixing), plan.Lambda, p.Mixing);
        var (soft, caption) = LabelsAndCaption(p.Labels, anchorItem, partnerItem, plan.Lambda);
        var provenance = Provenance(context, unit, p, plan, mix, anchorItem, partnerItem);
        var assets = (IReadOnlyList<OutputAsset>?)null;
        string outputKey;
        AudioBuffer main;
        if (p.PairsOnly)
        {
            var a = Levelled(mix.Alignment.Anchor, mix.AnchorGainDb, context);
            var b = Levelled(mix.Alignment.Partner, mix.PartnerGainDb, context);
            var anchorKey = JobKeys.Asset(context.JobId, unit.Index, "anchor", "wav");
            var partnerKey = JobKeys.Asset(context.JobId, unit.Index, "partner", "wav");
            var pairKey = JobKeys.Asset(context.JobId, unit.Index, "pair", "json");
            await audio.WriteWavAsync(anchorKey, a, context.SampleFormat, cancellationToken).ConfigureAwait(false);
            await audio.WriteWavAsync(partnerKey, b, context.SampleFormat, cancellationToken).ConfigureAwait(false);
            using (var content = new MemoryStream(Encoding.UTF8.GetBytes(provenance.ToJsonString() + "\n")))
            {
                await audio.Store.WriteAsync(pairKey, content, new Storage.BlobWriteOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
            }

            assets =
            [
                new OutputAsset("anchor", anchorKey, "audio/wav", a.Duration, plan.AnchorDownbeat, plan.AnchorDownbeat + a.Duration),
                new OutputAsset("partner", partnerKey, "audio/wav", b.Duration, plan.PartnerCut, plan.PartnerCut + (b.Duration / plan.StretchRatio)),
                new OutputAsset("pair", pairKey, "application/json", 0),
            ];
            outputKey = anchorKey;
            main = a;
        }
        else
        {
            main = ToOutputRate(mix.Audio, context);
            await audio.WriteWavAsync(context.OutputKey, main, context.SampleFormat, cancellationToken).ConfigureAwait(false);
            outputKey = context.OutputKey;
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

        return new JobOutput(
            unit.Index, OpName, outputKey, main.Duration, main.SampleRate, main.ChannelCount,
            soft.Count == 0 ? null : soft.MaxBy(kv => kv.Value).Key, soft.Count == 0 ? null : soft, caption, null,
            provenance.ToJsonString(), null, ReviewState.Pending, assets, metrics);
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

    private static JsonObject Provenance(UnitContext context, PlannedUnit unit, Parsed p, BeatSyncMixupPlan plan, BeatSyncMixResult mix, DatasetItem anchor, DatasetItem partner) => new()
    {
        ["op"] = OpName,
        ["seed"] = context.Spec.Seed,
        ["unit"] = unit.Index,
        ["alpha"] = p.Pairing.Alpha,
        ["lambda"] = Math.Round(plan.Lambda, 6),
        ["labels"] = p.Labels,
        ["pairsOnly"] = p.PairsOnly,
        ["pair"] = new JsonArray(anchor.ItemId, partner.ItemId),
        ["anchorTempo"] = Math.Round(plan.AnchorTempo, 4),
        ["partnerTempo"] = Math.Round(plan.PartnerTempo, 4),
        ["octaveFactor"] = plan.OctaveFactor,
        ["tempoMismatch"] = Math.Round(plan.Mismatch, 6),
        ["stretchRatio"] = Math.Round(plan.StretchRatio, 9),
        ["plannedStretchRatio"] = Math.Round(plan.PlannedStretchRatio, 9),
        ["stretchMethod"] = p.Mixing.StretchMethod == TimeStretchMethod.Wsola ? "wsola" : "phase_vocoder",
        ["anchorDownbeat"] = Math.Round(plan.AnchorDownbeat, 6),
        ["partnerDownbeat"] = Math.Round(plan.PartnerDownbeat, 6),
        ["partnerCut"] = Math.Round(plan.PartnerCut, 6),
        ["gridShiftMs"] = Math.Round(plan.GridShift * 1000, 3),
        ["predictedGridOffsetMs"] = plan.GridOffset is { } g ? Math.Round(g * 1000, 3) : null,
        ["length"] = Math.Round(plan.Length, 6),
        ["targetLufs"] = p.Mixing.TargetLufs,
        ["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3),
        ["sources"] = new JsonArray(
            Source(anchor, "anchor", plan.Lambda, mix.AnchorGainDb, plan.AnchorDownbeat, plan.AnchorTempo, 1.0, 1.0),
            Source(partner, "partner", 1 - plan.Lambda, mix.PartnerGainDb, plan.PartnerCut, plan.PartnerTempo, plan.StretchRatio, mix.Alignment.PartnerResampleRatio)),
        // The JobOutput contract's flat view, one entry per source in order: gains in dB, offsets (cut points) in seconds.
        ["gains"] = new JsonArray(Math.Round(mix.AnchorGainDb, 3), Math.Round(mix.PartnerGainDb, 3)),
        ["offsets"] = new JsonArray(Math.Round(plan.AnchorDownbeat, 6), Math.Round(plan.PartnerCut, 6)),
    };

    private static JsonObject Source(DatasetItem item, string role, double weight, double gainDb, double cut, double tempo, double stretch, double resample)
    {
        var source = SourceProvenance.Describe(item, role, weight, gainDb, cut);
        source["tempo"] = Math.Round(tempo, 4);
        source["stretchRatio"] = Math.Round(stretch, 9);
        source["resampleRatio"] = Math.Round(resample, 9);
        source["caption"] = item.Caption;
        return source;
    }

    private static AudioBuffer Levelled(AudioBuffer aligned, double gainDb, UnitContext context)
    {
        var copy = aligned.Clone();
        copy.ApplyGain((float)Math.Pow(10, gainDb / 20));
        return ToOutputRate(copy, context);
    }

    private static AudioBuffer ToOutputRate(AudioBuffer buffer, UnitContext context) =>
        context.Spec.Output.SampleRate is { } rate && rate != buffer.SampleRate ? Resampler.Resample(buffer, rate) : buffer;

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

    private static DatasetItem Item(UnitContext context, string id) =>
        context.Items.TryGetValue(id, out var item) ? item : throw new KeyNotFoundException($"Item {id} is no longer in the dataset.");

    private sealed record Parsed(int Count, BeatSyncPairOptions Pairing, BeatSyncMixOptions Mixing, string Labels, bool PairsOnly);

    private static Parsed Read(string json, int itemCount)
    {
        var p = OperationParameters.Parse(OpName, json).AllowOnly(Known);
        var tolerance = p.Number("tolerance", 0.06, 0, 0.15);
        var pairing = new BeatSyncPairOptions
        {
            Tolerance = tolerance,
            NoStretchTolerance = p.Number("noStretchTolerance", Math.Min(0.003, tolerance), 0, tolerance),
            OctaveFolding = p.Flag("octaveFolding", true),
            RequireMeterMatch = p.Flag("meterMatch", false),
            MaxUsesPerItem = p.WholeNumber("maxUses", 4, 1, MaxCount),
            MinConfidence = p.Number("minConfidence", 0, 0, 1),
            Alpha = p.Number("alpha", 5, 1e-3, 1e3),
        };
        var lengthSeconds = p.OptionalNumber("length", 0.5, 3600);
        var bars = p.WholeNumber("bars", 0, 0, 10_000);
        if (lengthSeconds is not null && bars > 0)
        {
            throw new ArgumentException($"{OpName}: give 'length' (seconds) or 'bars', not both.");
        }

        var mixing = new BeatSyncMixOptions
        {
            LengthSeconds = lengthSeconds,
            LengthBars = bars > 0 ? bars : null,
            TargetLufs = p.OptionalNumber("targetLufs", -70, 0),
            StretchMethod = p.Choice("stretch", "phase_vocoder", "phase_vocoder", "wsola") == "wsola" ? TimeStretchMethod.Wsola : TimeStretchMethod.PhaseVocoder,
        };
        pairing.Validate();
        mixing.Validate();
        return new Parsed(
            p.WholeNumber("count", Math.Max(1, itemCount), 1, MaxCount),
            pairing,
            mixing,
            p.Choice("labels", "anchor", "anchor", "both", "merged"),
            p.Flag("pairsOnly", false));
    }
}

/// <summary>
/// The plan of one beat-sync mixup unit: the pair, λ, the stretch and both cut points (all the provenance).
/// <c>StretchRatio</c> is the ratio applied (fitted to the mixed beats), <c>PlannedStretchRatio</c> the planner's from the tempi.
/// </summary>
internal sealed record BeatSyncMixupPlan(
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
    double PlannedStretchRatio)
{
    public static BeatSyncMixupPlan From(string anchor, string partner, BeatSyncMixPlan mix)
    {
        var (pair, cut) = (mix.Pair, mix.Cut);
        return new(
            anchor, partner, pair.Lambda, pair.OctaveFactor, pair.Mismatch, cut.StretchRatio, cut.AnchorTempo, cut.PartnerTempo,
            cut.AnchorDownbeat, cut.PartnerDownbeat, cut.PartnerCut, cut.GridShiftSeconds, cut.Length,
            double.IsNaN(cut.GridOffsetSeconds) ? null : cut.GridOffsetSeconds, pair.StretchRatio);
    }

    /// <summary>The cut for rendering (the beat grids are not needed to render and are not kept).</summary>
    public BeatSyncCut ToCut() =>
        new(AnchorTempo, PartnerTempo, OctaveFactor, StretchRatio, AnchorDownbeat, PartnerDownbeat, PartnerCut, GridShift, Length, GridOffset ?? double.NaN, [], []);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(BeatSyncMixupPlan))]
internal sealed partial class BeatSyncMixupJson : System.Text.Json.Serialization.JsonSerializerContext;
