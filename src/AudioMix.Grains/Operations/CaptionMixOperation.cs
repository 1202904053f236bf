using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio.Dsp;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Mixing;
using AudioMix.Captions.Pairing;
using AudioMix.Grains.Audio;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Caption mix-up for audio captioning (Wu et al. 2023, the DCASE 2023 Task 6A winner; AudioGen's mixing as an
/// alternative): pairs of captioned clips are mixed and their captions merged into one sentence, by the built-in
/// merger or an OpenAI-compatible LLM. Parameters: <c>count</c> (one per captioned item), <c>mode</c> (wu | audiogen),
/// <c>sampleRate</c> (16000), <c>maxSeconds</c> (30), <c>similarity</c> (0.8: pairs above it are near-duplicates),
/// <c>labelDisjoint</c> (false), <c>maxUses</c> (4), <c>variants</c> (3), <c>merger</c> (builtin | llm).
/// </summary>
public sealed class CaptionMixOperation(BlobAudio audio, CaptionMergers mergers) : IJobOperation
{
    /// <summary>The recipe name.</summary>
    public const string OpName = "caption_mix";

    private const int MaxCount = 1_000_000;

    public string Name => OpName;

    public void Validate(string parametersJson, DatasetKind kind)
    {
        var p = Read(parametersJson, itemCount: 2);
        if (p.Merger == "llm")
        {
            _ = mergers.Llm;
        }
    }

    public IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex)
    {
        var captioned = items.Where(i => !string.IsNullOrWhiteSpace(i.Caption)).ToArray();
        var p = Read(parametersJson, captioned.Length);
        if (captioned.Length < 2)
        {
            throw new ArgumentException($"{OpName}: needs at least two items with captions; the dataset has {captioned.Length} of {items.Count}.");
        }

        var clips = captioned.Select(i => new CaptionedClip(i.ItemId, i.Caption!, i.Labels)).ToArray();
        IReadOnlyList<CaptionMixPair> pairs;
        try
        {
            pairs = CaptionMixPlanner.Plan(clips, p.Plan, seed);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{OpName}: {ex.Message}", ex);
        }

        return pairs.Select((pair, i) => new PlannedUnit(
            firstIndex + i,
            OpName,
            JsonSerializer.Serialize(new CaptionMixPlan(clips[pair.First].Id, clips[pair.Second].Id, Math.Round(pair.Similarity, 6), pair.Seed), CaptionMixJson.Default.CaptionMixPlan),
            new[] { clips[pair.First].Id, clips[pair.Second].Id })).ToArray();
    }

    public async Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        var p = Read(context.ParametersJson, context.Items.Count);
        var plan = JsonSerializer.Deserialize(unit.PlanJson, CaptionMixJson.Default.CaptionMixPlan)
            ?? throw new InvalidOperationException($"Unit {unit.Index} has no caption-mix plan.");
        var first = Item(context, plan.First);
        var second = Item(context, plan.Second);

        var a = await audio.ReadAsync(first.BlobKey, first.FileName, cancellationToken).ConfigureAwait(false);
        var b = await audio.ReadAsync(second.BlobKey, second.FileName, cancellationToken).ConfigureAwait(false);
        var mix = CaptionAudioMixer.Mix(a, b, p.Mix, plan.Seed);
        var output = mix.Audio;
        if (context.Spec.Output.SampleRate is { } rate && rate != output.SampleRate)
        {
            output = Resampler.Resample(output, rate);
        }

        await audio.WriteWavAsync(context.OutputKey, output, context.SampleFormat, cancellationToken).ConfigureAwait(false);

        var request = new CaptionMergeRequest(first.Caption!, second.Caption!, p.Variants, plan.Seed);
        var merged = await (p.Merger == "llm" ? mergers.Llm : (ICaptionMerger)mergers.BuiltIn).MergeAsync(request, cancellationToken).ConfigureAwait(false);
        var rejected = merged.Rejected;
        string? fallback = null;
        if (merged.Captions.Count == 0)
        {
            // Every LLM reply failed: the unit still gets a caption, from the built-in merger, and says so.
            fallback = mergers.BuiltIn.Name;
            merged = (await mergers.BuiltIn.MergeAsync(request, cancellationToken).ConfigureAwait(false)) with { Rejected = rejected };
        }

        var wu = p.Mix.Mode == CaptionMixMode.Wu;
        var provenance = new JsonObject
        {
            ["op"] = OpName,
            ["seed"] = context.Spec.Seed,
            ["unit"] = unit.Index,
            ["mixSeed"] = plan.Seed,
            ["mode"] = wu ? "wu" : "audiogen",
            ["sampleRate"] = p.Mix.SampleRate,
            ["maxSeconds"] = p.Mix.MaxSeconds,
            ["similarity"] = plan.Similarity,
            ["similarityThreshold"] = p.Plan.SimilarityThreshold,
            [wu ? "energyRatioDb" : "snrDb"] = Math.Round(mix.RatioDb, 3),
            ["mixLevelDbfs"] = mix.MixLevelDbfs,
            ["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3),
            ["overlap"] = Math.Round(mix.Overlap, 4),
            ["sources"] = new JsonArray(
                Source(first, "first", mix.FirstGainDb, mix.FirstOffsetSeconds),
                Source(second, "second", mix.SecondGainDb, mix.SecondOffsetSeconds)),
            ["gains"] = new JsonArray(Math.Round(mix.FirstGainDb, 3), Math.Round(mix.SecondGainDb, 3)),
            ["offsets"] = new JsonArray(Math.Round(mix.FirstOffsetSeconds, 6), Math.Round(mix.SecondOffsetSeconds, 6)),
            ["sourceCaptions"] = new JsonArray(first.Caption, second.Caption),
            ["merger"] = merged.Merger,
            ["mergedCaption"] = merged.Captions[0],
            ["captions"] = new JsonArray(merged.Captions.Select(c => (JsonNode?)c).ToArray()),
            ["rejected"] = new JsonArray(rejected.Select(r => (JsonNode?)new JsonObject { ["reply"] = r.Reply, ["reason"] = r.Reason }).ToArray()),
        };
        if (fallback is not null)
        {
            provenance["fallback"] = fallback;
        }

        return new JobOutput(
            unit.Index, OpName, context.OutputKey, output.Duration, output.SampleRate, output.ChannelCount,
            null, null, merged.Captions[0], null, provenance.ToJsonString(), null, ReviewState.Pending);
    }

    private static JsonObject Source(DatasetItem item, string role, double gainDb, double offsetSeconds) => new()
    {
        ["role"] = role,
        ["item"] = item.ItemId,
        ["file"] = item.FileName,
        ["blob"] = item.BlobKey,
        ["sha256"] = item.ContentHash,
        ["caption"] = item.Caption,
        ["gainDb"] = Math.Round(gainDb, 3),
        ["offsetSeconds"] = Math.Round(offsetSeconds, 6),
    };

    private static DatasetItem Item(UnitContext context, string id) =>
        context.Items.TryGetValue(id, out var item) ? item : throw new KeyNotFoundException($"Item {id} is no longer in the dataset.");

    private sealed record Parsed(CaptionMixPlanOptions Plan, CaptionMixOptions Mix, int Variants, string Merger);

    private Parsed Read(string json, int itemCount)
    {
        var p = OperationParameters.Parse(OpName, json)
            .AllowOnly("count", "mode", "sampleRate", "maxSeconds", "similarity", "labelDisjoint", "maxUses", "variants", "merger");
        var merger = p.Choice("merger", "builtin", "builtin", "llm");
        var plan = new CaptionMixPlanOptions
        {
            Count = p.WholeNumber("count", Math.Max(1, itemCount), 1, MaxCount),
            SimilarityThreshold = p.Number("similarity", 0.8, 0, 1),
            LabelDisjoint = Flag(json, "labelDisjoint"),
            MaxUsesPerItem = p.WholeNumber("maxUses", 4, 1, 10_000),
        };
        var mix = new CaptionMixOptions
        {
            Mode = p.Choice("mode", "wu", "wu", "audiogen") == "audiogen" ? CaptionMixMode.AudioGen : CaptionMixMode.Wu,
            SampleRate = p.WholeNumber("sampleRate", 16_000, 8000, 192_000),
            MaxSeconds = p.Number("maxSeconds", 30, 0.5, 600),
        };
        var variants = p.WholeNumber("variants", merger == "llm" ? mergers.LlmOptions.Variants : 3, 1, 10);
        return new Parsed(plan, mix, variants, merger);
    }

    private static bool Flag(string json, string name)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        if (!doc.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"{OpName}: '{name}' must be true or false."),
        };
    }
}

/// <summary>The plan of one caption-mix unit.</summary>
internal sealed record CaptionMixPlan(string First, string Second, double Similarity, long Seed);

[System.Text.Json.Serialization.JsonSerializable(typeof(CaptionMixPlan))]
internal sealed partial class CaptionMixJson : System.Text.Json.Serialization.JsonSerializerContext;
