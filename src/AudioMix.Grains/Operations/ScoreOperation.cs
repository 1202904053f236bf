using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Scoring;
using AudioMix.Storage;

namespace AudioMix.Grains.Operations;

/// <summary>
/// MAPSS perceptual scoring (Ivry, Cornell &amp; Watanabe 2025) of uploaded separation results: Perceptual Separation
/// (PS) and Perceptual Match (PM) per source and per 20 ms frame, computed by <see cref="MapssScorer"/>.
/// </summary>
/// <remarks>
/// <para><b>Grouping.</b> Items are grouped by these fields of their audiofolder metadata row
/// (<see cref="DatasetItem.Metadata"/>): <c>"group"</c> (the mixture id; one unit per group), <c>"role"</c>
/// (<c>"reference"</c> or <c>"estimate"</c>) and <c>"source"</c> (the source name, e.g. "vocals"). A group needs at
/// least two sources, and every source exactly one reference and one estimate; estimate i is scored against the
/// reference of the same source (no permutation solving). Items without these fields are ignored. Example
/// metadata.jsonl line: <c>{"file_name": "s1_vocals_est.wav", "group": "s1", "role": "estimate", "source": "vocals"}</c>.</para>
/// <para><b>After a separate job.</b> With <c>fromJob</c> (a completed job with a <c>separate</c> step on this dataset),
/// the estimates are that job's stems instead of uploaded ones: each separated mixture item carries a <c>"group"</c>
/// (and role <c>"mixture"</c>, which <c>separate</c> expects), the group's references name a stem as their
/// <c>"source"</c> (e.g. "percussive" and "harmonic" after hpss), and stems without a reference are left out. Uploaded
/// estimates are ignored then. Errors name the job, group and stem: unknown or unfinished job, no separate step, a
/// mixture from another dataset, a reference whose source is not a stem.</para>
/// <para><b>Parameters.</b> <c>fromJob</c> (above); <c>encoder</c>: "raw" (default) or "torchscript"; <c>encoderPath</c>: the TorchScript file
/// on the silo host (required for "torchscript"); <c>layer</c> (2); <c>device</c>: "cpu" (default), "cuda" or "auto";
/// <c>minPs</c>, <c>minPm</c>: optional quality thresholds on the mean scores; <c>gate</c>: "flag" (default: record the
/// verdict in provenance) or "drop" (also mark the unit rejected so manifests leave it out). The bank seed is the
/// job's op seed.</para>
/// <para><b>Outputs.</b> Per unit: each estimate as an audio asset named by its source (so the manifest has one line per
/// estimate carrying the scores), a <c>scores</c> JSON asset with the frame-level PS/PM, error radii and 95 %
/// half-widths (<see cref="MapssJson"/>), and metrics <c>ps.&lt;source&gt;</c> / <c>pm.&lt;source&gt;</c> (means over scored
/// frames; the paper's PS pooling of its Appendix B.4 is not available).</para>
/// </remarks>
public sealed class ScoreOperation(BlobAudio audio, IGrainFactory grains) : JobOperation<ScoreParams, ScorePlan>(audio)
{
    // Marks the estimates PrepareAsync reads from another job's outputs (never a dataset item id: those have no '/').
    private const string FromJobField = "fromJob";
    private const string ModelField = "model";
    /// <summary>The recipe name.</summary>
    public const string OpName = "score";

    private static readonly ParameterDescriptor FromJob = Param.Text("fromJob", "A completed separate job on this dataset whose stems are the estimates");
    private static readonly ParameterDescriptor Encoder = Param.Choice("encoder", "raw", ["raw", "torchscript"], "Embedding encoder: raw or a TorchScript model");
    private static readonly ParameterDescriptor EncoderPath = Param.Text("encoderPath", "The TorchScript encoder file on the silo host (required for torchscript)").When("encoder", "torchscript");
    private static readonly ParameterDescriptor Layer = Param.WholeNumber("layer", 2, 0, 64, "Encoder layer whose embeddings are scored");
    private static readonly ParameterDescriptor Device = Param.Choice("device", "cpu", ["cpu", "cuda", "auto"], "Compute device");
    private static readonly ParameterDescriptor MinPs = Param.Number("minPs", null, 0, 1, "Quality gate: least mean PS per source (default: none)");
    private static readonly ParameterDescriptor MinPm = Param.Number("minPm", null, 0, 1, "Quality gate: least mean PM per source (default: none)");
    private static readonly ParameterDescriptor Gate = Param.Choice("gate", "flag", ["flag", "drop"], "A unit below the gate: flag it in provenance, or also reject it");

    /// <summary>Name, description and parameters.</summary>
    public static OperationDescriptor Schema { get; } = Param.Describe(
        OpName,
        "MAPSS perceptual scores (PS/PM per 20 ms frame) of estimates vs references, grouped by metadata group/role/source",
        FromJob, Encoder, EncoderPath, Layer, Device, MinPs, MinPm, Gate);

    public override OperationDescriptor Descriptor => Schema;

    /// <summary>Parses and checks the parameters.</summary>
    public override ScoreParams Parse(string parametersJson, DatasetKind kind)
    {
        var p = OperationParameters.Parse(OpName, parametersJson).AllowOnly(Schema.Parameters);
        var encoder = p.Choice(Encoder);
        var path = p.OptionalText(EncoderPath);
        if (encoder == "torchscript" && path is null)
        {
            throw new ArgumentException($"{OpName}: 'encoderPath' (a TorchScript file on the silo host) is required when 'encoder' is \"torchscript\".");
        }

        return new ScoreParams(p.OptionalText(FromJob), encoder, path, p.WholeNumber(Layer), p.Choice(Device), p.OptionalNumber(MinPs), p.OptionalNumber(MinPm), p.Choice(Gate));
    }

    /// <summary>With <c>fromJob</c>: the references plus one estimate per stem of that job's separated mixtures.</summary>
    protected override async Task<IReadOnlyList<DatasetItem>> PrepareItemsAsync(
        IReadOnlyList<DatasetItem> items, ScoreParams parameters, IProgress<PreparationProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var fromJob = parameters.FromJob;
        if (fromJob is null)
        {
            return items;
        }

        var job = grains.GetGrain<IJobGrain>(fromJob);
        var status = await job.GetStatusAsync().ConfigureAwait(false)
            ?? throw new ArgumentException($"{OpName}: fromJob '{fromJob}' is not a known job.");
        if (!status.Operations.Contains(SeparateOperation.OpName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{OpName}: fromJob '{fromJob}' ran {string.Join(", ", status.Operations)}, not {SeparateOperation.OpName}.");
        }

        if (status.State != JobState.Completed)
        {
            throw new ArgumentException($"{OpName}: fromJob '{fromJob}' is {status.State}; score its stems once it has completed.");
        }

        var byId = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        var references = items.Where(i => ItemMetadata.Text(i, "role") == "reference" && ItemMetadata.Text(i, "group") is not null && ItemMetadata.Text(i, "source") is not null).ToArray();
        var prepared = new List<DatasetItem>(references);
        var separated = 0;
        for (var offset = 0; ; )
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await job.GetOutputsAsync(offset, 200).ConfigureAwait(false);
            foreach (var output in page.Items.Where(o => o.Op == SeparateOperation.OpName && o.Error is null))
            {
                var mixtureId = MixtureItem(output)
                    ?? throw new ArgumentException($"{OpName}: output {output.Index} of job '{fromJob}' does not record its mixture item.");
                var mixture = byId.TryGetValue(mixtureId, out var found)
                    ? found
                    : throw new ArgumentException($"{OpName}: job '{fromJob}' separated item '{mixtureId}', which is not in this dataset (was it run on another one?).");
                if (ItemMetadata.Text(mixture, "group") is not { } group)
                {
                    continue;
                }

                var stems = (output.Assets ?? []).Where(a => a.IsAudio).ToArray();
                var model = LearnedModel(output);
                foreach (var reference in references.Where(r => ItemMetadata.Text(r, "group") == group))
                {
                    var source = ItemMetadata.Text(reference, "source")!;
                    if (!stems.Any(a => a.Name == source))
                    {
                        throw new ArgumentException(
                            $"{OpName}: group '{group}': reference '{reference.FileName}' names source '{source}', which is not a stem of job '{fromJob}' " +
                            $"(stems: {string.Join(", ", stems.Select(a => a.Name))}).");
                    }
                }

                foreach (var stem in stems.Where(a => references.Any(r => ItemMetadata.Text(r, "group") == group && ItemMetadata.Text(r, "source") == a.Name)))
                {
                    var metadata = new Dictionary<string, string>
                    {
                        ["group"] = JsonSerializer.Serialize(group),
                        ["role"] = JsonSerializer.Serialize("estimate"),
                        ["source"] = JsonSerializer.Serialize(stem.Name),
                        [FromJobField] = JsonSerializer.Serialize(fromJob),
                        ["unit"] = output.Index.ToString(CultureInfo.InvariantCulture),
                    };
                    if (model is not null)
                    {
                        metadata[ModelField] = model;
                    }

                    prepared.Add(new DatasetItem(
                        $"{fromJob}/{output.Index:D6}/{stem.Name}", stem.Name + ".wav", stem.Key, string.Empty, "wav", 0, stem.Duration,
                        output.SampleRate, output.Channels, null, null, [], null, null, metadata));
                }

                separated++;
            }

            offset += page.Items.Count;
            progress?.Report(new PreparationProgress(offset, page.Total));
            if (page.Items.Count == 0 || offset >= page.Total)
            {
                break;
            }
        }

        if (separated == 0)
        {
            throw new ArgumentException($"{OpName}: no mixture separated by job '{fromJob}' has a \"group\" to pair it with references.");
        }

        return prepared;
    }

    /// <summary>One unit per metadata group (see the class remarks); the plan lists each source's reference and estimate.</summary>
    /// <exception cref="ArgumentException">No group, or a group with fewer than two sources or a missing/duplicate role.</exception>
    protected override IEnumerable<ScorePlan> PlanUnits(IReadOnlyList<DatasetItem> items, ScoreParams parameters, long seed)
    {
        var tagged = items
            .Select(i => (Item: i, Group: ItemMetadata.Text(i, "group"), Role: ItemMetadata.Text(i, "role"), Source: ItemMetadata.Text(i, "source")))
            .Where(t => t.Group is not null && t.Role is not null && t.Source is not null)
            .ToArray();
        if (tagged.Length == 0)
        {
            throw new ArgumentException($"{OpName}: no item has the metadata fields \"group\", \"role\" and \"source\" that pair references with estimates.");
        }

        var units = new List<ScorePlan>();
        foreach (var group in tagged.GroupBy(t => t.Group!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sources = new List<ScoreSource>();
            foreach (var source in group.GroupBy(t => t.Source!, StringComparer.Ordinal).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var refs = source.Where(t => t.Role == "reference").ToArray();
                var ests = source.Where(t => t.Role == "estimate").ToArray();
                if (refs.Length != 1 || ests.Length != 1 || source.Count() != 2)
                {
                    throw new ArgumentException(
                        $"{OpName}: group '{group.Key}', source '{source.Key}' needs exactly one \"reference\" and one \"estimate\" item " +
                        $"(found {refs.Length} reference, {ests.Length} estimate, {source.Count() - refs.Length - ests.Length} with another role).");
                }

                var estimate = ests[0].Item;
                sources.Add(ItemMetadata.Text(estimate, FromJobField) is { } job
                    ? new ScoreSource(source.Key, refs[0].Item.ItemId, estimate.ItemId, new JobStem(
                        job, int.Parse(ItemMetadata.Text(estimate, "unit")!, CultureInfo.InvariantCulture), source.Key, estimate.BlobKey,
                        estimate.Metadata?.GetValueOrDefault(ModelField)))
                    : new ScoreSource(source.Key, refs[0].Item.ItemId, estimate.ItemId));
            }

            if (sources.Count < 2)
            {
                throw new ArgumentException($"{OpName}: group '{group.Key}' has {sources.Count} source; MAPSS needs at least 2.");
            }

            units.Add(new ScorePlan(group.Key, sources.ToArray(), seed));
        }

        return units;
    }

    /// <summary>Reads the group's audio, scores it, writes the estimate and score assets.</summary>
    protected override async Task<JobOutput> RenderUnitAsync(UnitRenderer unit, ScoreParams p, ScorePlan plan, CancellationToken cancellationToken)
    {
        var references = new List<AudioBuffer>();
        var estimates = new List<AudioBuffer>();
        foreach (var source in plan.Scored)
        {
            references.Add(await unit.ReadAsync(unit.Item(source.Reference), cancellationToken).ConfigureAwait(false));
            estimates.Add(source.Stem is { } stem
                ? await unit.ReadBlobAsync(stem.Key, stem.Stem + ".wav", cancellationToken).ConfigureAwait(false)
                : await unit.ReadAsync(unit.Item(source.Estimate), cancellationToken).ConfigureAwait(false));
        }

        // Synchronous compute (TorchSharp scopes never span an await); the job grain already runs this in ComputeLimiter.
        MapssResult result;
        using (var encoder = MapssEncoders.Create(p.Encoder == "raw" ? "raw" : "torchscript:" + p.EncoderPath, p.Device, p.Layer))
        {
            result = new MapssScorer(encoder, new MapssOptions { Seed = plan.Seed, TrimToShortest = true }).Score(references, estimates);
        }

        var names = plan.Scored.Select(s => s.Source).ToArray();
        var assets = new List<OutputAsset>();
        for (var s = 0; s < names.Length; s++)
        {
            assets.Add(await unit.WriteAudioAssetAsync(names[s], estimates[s], cancellationToken).ConfigureAwait(false));
        }

        var json = MapssJson.Build(result, names, includeIntervals: true);
        json["group"] = plan.Group;
        assets.Add(await unit.WriteJsonAssetAsync("scores", json.ToJsonString(), cancellationToken).ConfigureAwait(false));

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var failures = new JsonArray();
        for (var s = 0; s < names.Length; s++)
        {
            var scores = result.Sources[s];
            metrics["ps." + names[s]] = scores.MeanPs;
            metrics["pm." + names[s]] = scores.MeanPm;
            if (p.MinPs is { } minPs && !(scores.MeanPs >= minPs))
            {
                failures.Add($"ps.{names[s]} {Format(scores.MeanPs)} < {Format(minPs)}");
            }

            if (p.MinPm is { } minPm && !(scores.MeanPm >= minPm))
            {
                failures.Add($"pm.{names[s]} {Format(scores.MeanPm)} < {Format(minPm)}");
            }
        }

        var gated = p.MinPs is not null || p.MinPm is not null;
        var passed = failures.Count == 0;
        // The bank seed (the job's op seed) is this op's seed.
        var provenance = unit.Provenance(plan.Seed);
        provenance["group"] = plan.Group;
        provenance["encoder"] = result.Encoder;
        provenance["frames"] = result.FrameCount;
        provenance["frameRate"] = MapssResult.FrameRate;
        provenance["sources"] = new JsonArray(plan.Scored.Select((source, s) => (JsonNode)new JsonObject
        {
            ["source"] = source.Source,
            ["reference"] = new SourceRef(unit.Item(source.Reference)).ToJson(),
            ["estimate"] = source.Stem is { } stem
                ? new JsonObject { ["job"] = stem.Job, ["unit"] = stem.Unit, ["asset"] = stem.Stem, ["blob"] = stem.Key }
                : new SourceRef(unit.Item(source.Estimate)).ToJson(),
            ["scoredFrames"] = result.Sources[s].ScoredFrames,
        }).ToArray());
        if (plan.Scored.Select(s => s.Stem?.ModelJson).FirstOrDefault(m => m is not null) is { } learned)
        {
            // The scored estimates are a learned model's stems and are written again as this output's assets: they
            // keep that model's name, hash and licence (a research-only licence is shown wherever its outputs are).
            provenance["model"] = JsonNode.Parse(learned);
        }

        provenance["gains"] = new JsonArray(plan.Scored.Select(_ => (JsonNode)0.0).ToArray());
        provenance["offsets"] = new JsonArray(plan.Scored.Select(_ => (JsonNode)0.0).ToArray());
        if (gated)
        {
            provenance["gate"] = new JsonObject
            {
                ["mode"] = p.Gate,
                ["minPs"] = p.MinPs,
                ["minPm"] = p.MinPm,
                ["passed"] = passed,
                ["failures"] = failures,
            };
        }

        var review = gated && !passed && p.Gate == "drop" ? ReviewState.Rejected : ReviewState.Pending;
        var first = estimates[0];
        return unit.Output(assets[0].Key, first, provenance) with { Review = review, Assets = assets.ToArray(), Metrics = metrics };
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The <c>model</c> object of a separate output made by a learned model (name, hash, licence), as JSON.</summary>
    private static string? LearnedModel(JobOutput output)
    {
        try
        {
            return JsonNode.Parse(output.ProvenanceJson) is JsonObject root && root["model"] is JsonObject model ? model.ToJsonString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? MixtureItem(JobOutput output)
    {
        try
        {
            using var doc = JsonDocument.Parse(output.ProvenanceJson);
            return doc.RootElement.TryGetProperty("sources", out var sources) && sources.ValueKind == JsonValueKind.Array
                ? sources.EnumerateArray()
                    .Where(s => s.TryGetProperty("role", out var role) && role.GetString() == "mixture" && s.TryGetProperty("item", out _))
                    .Select(s => s.GetProperty("item").GetString())
                    .FirstOrDefault()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The <c>score</c> op's parameters (see <see cref="ScoreOperation.Schema"/>).</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ScoreParams")]
public sealed record ScoreParams(string? FromJob, string Encoder, string? EncoderPath, int Layer, string Device, double? MinPs, double? MinPm, string Gate) : OperationParams;

/// <summary>One scored source of a unit: its name, the reference item id, and the estimate item id or (after a separate job) its stem.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ScoreSource")]
public sealed record ScoreSource(string Source, string Reference, string Estimate, JobStem? Stem = null);

/// <summary>
/// A stem written by another job: the job, its unit, the stem name, the blob key and, for a learned model's stem, that
/// model's provenance (<c>{name, version, sha256, license, …}</c> as JSON).
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.JobStem")]
public sealed record JobStem(string Job, int Unit, string Stem, string Key, string? ModelJson = null);

/// <summary>The plan of one score unit: a metadata group, its scored sources, and the bank seed.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ScorePlan")]
public sealed record ScorePlan(string Group, IReadOnlyList<ScoreSource> Scored, long Seed) : UnitPlan
{
    /// <summary>Every scored source's reference and estimate item.</summary>
    public override IReadOnlyList<string> Sources => Scored.SelectMany(s => new[] { s.Reference, s.Estimate }).ToArray();
}
