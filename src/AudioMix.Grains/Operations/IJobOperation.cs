using AudioMix.Audio.Codecs;

namespace AudioMix.Grains.Operations;

/// <summary>
/// An op's parameters, parsed and validated once when the job is submitted (<see cref="IJobOperation.Parse"/>). Each op
/// derives one immutable record; the job keeps them per recipe step in its state and ships them in every shard plan, so
/// planning and rendering never read the recipe's JSON again. Defaults that depend on the dataset (e.g. mixup's
/// <c>count</c>) stay null here and are resolved at planning time.
/// </summary>
/// <remarks>
/// Stored two ways: by Orleans' serializer (shard plans) and by the JSON grain-state serializer (job state, which records
/// type names): derived records need <c>[GenerateSerializer, Alias]</c>, and any collection in them must be a plain array.
/// </remarks>
[GenerateSerializer, Immutable, Alias("AudioMix.OperationParams")]
public abstract record OperationParams
{
    /// <summary>
    /// The most units this step can plan over a dataset of <paramref name="items"/> items — known from the parameters
    /// alone, so a job over <c>AudioMix:Jobs:MaxUnits</c> is refused at submission without preparing or planning anything.
    /// The default, one unit per item, holds for ops that plan at most one unit per item or per group of items.
    /// </summary>
    public virtual long MaxUnits(int items) => items;
}

/// <summary>One recipe step with its parsed parameters.</summary>
/// <param name="Op">The op's recipe name.</param>
/// <param name="Params">Its parameters as parsed at submission.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.TypedStep")]
public sealed record TypedStep(string Op, OperationParams Params);

/// <summary>
/// An op's plan of one unit, decided at planning time (deterministic given the seed). Each op derives one record; it
/// travels in the shard plan (Orleans' serializer) and is what <see cref="IJobOperation.RenderAsync"/> renders.
/// </summary>
[GenerateSerializer, Immutable, Alias("AudioMix.UnitPlan")]
public abstract record UnitPlan
{
    /// <summary>
    /// Ids of the (prepared) items the unit reads. The job ships exactly these items with the unit's shard, so a shard
    /// never needs the whole dataset; rendering a unit with an item it did not declare fails.
    /// </summary>
    public abstract IReadOnlyList<string> Sources { get; }
}

/// <summary>A unit of work: its index (outputs are keyed by it), its recipe step and op, and the op's plan of it.</summary>
/// <param name="Index">The unit's index in the job.</param>
/// <param name="Step">The op's position in the recipe.</param>
/// <param name="Op">The op's recipe name.</param>
/// <param name="Plan">The op-specific plan.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.PlannedUnit")]
public sealed record PlannedUnit(int Index, int Step, string Op, UnitPlan Plan)
{
    /// <inheritdoc cref="UnitPlan.Sources"/>
    public IReadOnlyList<string> Sources => Plan.Sources;
}

/// <summary>What an operation's render step gets to work with.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Spec">The job's spec (seed, output format).</param>
/// <param name="Params">This op's parsed parameters.</param>
/// <param name="Items">The items the shard was given for this step, by id.</param>
/// <param name="OutputKey">Where the unit's audio goes; a function of (job, unit) so a re-run overwrites.</param>
/// <param name="Silo">The name of the silo rendering the unit (recorded in provenance), when rendered by a shard.</param>
public sealed record UnitContext(
    string JobId,
    JobSpec Spec,
    OperationParams Params,
    IReadOnlyDictionary<string, DatasetItem> Items,
    string OutputKey,
    string? Silo = null)
{
    /// <summary>The WAV sample format the job asked for.</summary>
    public WavSampleFormat SampleFormat => ParseSampleFormat(Spec.Output.SampleFormat);

    /// <summary>The WAV sample format named <paramref name="name"/>; an <see cref="ArgumentException"/> otherwise.</summary>
    public static WavSampleFormat ParseSampleFormat(string name) => name switch
    {
        "pcm16" => WavSampleFormat.Pcm16,
        "pcm24" => WavSampleFormat.Pcm24,
        "float32" => WavSampleFormat.Float32,
        var other => throw new ArgumentException($"Unknown output sample format '{other}' (use pcm16, pcm24 or float32)."),
    };
}

/// <summary>
/// One augmentation a job can run, as the engine sees it (untyped; ops derive from <see cref="JobOperation{TParams, TPlan}"/>,
/// which does the casts). Parsing is validation; planning is pure and deterministic given the seed; rendering one unit
/// reads sources from blob storage, computes, and writes its outputs.
/// </summary>
public interface IJobOperation
{
    /// <summary>The op name used in recipes.</summary>
    string Name { get; }

    /// <summary>Name, description and parameter schema (what the registry publishes, e.g. to the dashboard's job form).</summary>
    OperationDescriptor Descriptor { get; }

    /// <summary>
    /// Parses and validates the recipe's parameters; throws <see cref="ArgumentException"/> naming the op and the bad
    /// parameter. Never constructs heavy objects (separators, models): it runs in the job grain's call.
    /// </summary>
    OperationParams Parse(string parametersJson, DatasetKind kind);

    /// <summary>
    /// Asynchronous work the op needs before <see cref="Plan"/> (e.g. analysing every item), awaited by the job's
    /// background loop; heavy work belongs in the <c>ComputeLimiter</c>. Returns the items as <see cref="Plan"/> should see
    /// them, typically with computed facts added to <see cref="DatasetItem.Metadata"/>.
    /// </summary>
    Task<IReadOnlyList<DatasetItem>> PrepareAsync(
        IReadOnlyList<DatasetItem> items, OperationParams parameters, IProgress<PreparationProgress> progress, CancellationToken cancellationToken);

    /// <summary>
    /// What the dataset can supply to this step before the job exists (<c>POST /api/jobs/validate</c>, and every
    /// submission): the capacity under the op's own pairing rules and, when the step is impossible, a problem naming what to
    /// change. Cheap and pure: it reads the dataset's summary counts (items, captioned and scoring items: the
    /// <see cref="ItemTally"/> kept on upload), never the item list or audio, so the form can ask on every change; where
    /// the exact figure needs <see cref="PrepareAsync"/> (e.g. beat tracking) it is an upper bound and says so.
    /// </summary>
    StepCapacity Capacity(DatasetSummary dataset, OperationParams parameters, int recipeStep);

    /// <summary>Decides the units of recipe step <paramref name="recipeStep"/>, numbering them from <paramref name="firstIndex"/>.</summary>
    IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, OperationParams parameters, long seed, int firstIndex, int recipeStep);

    /// <summary>Renders one unit (runs on the thread pool, never on the grain scheduler).</summary>
    Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken);
}

/// <summary>How far an op's preparation has got: items done out of the total.</summary>
public sealed record PreparationProgress(int Done, int Total);

/// <summary>The operations this silo knows, by name, with their descriptors.</summary>
public sealed class JobOperationRegistry(IEnumerable<IJobOperation> operations)
{
    private readonly Dictionary<string, IJobOperation> _byName = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>The known op names, sorted.</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every op's name, description and parameter schema, sorted by name.</summary>
    public IReadOnlyList<OperationDescriptor> Descriptors => Names.Select(n => _byName[n].Descriptor).ToArray();

    /// <summary>The op called <paramref name="name"/>; an <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    public IJobOperation Get(string name) =>
        _byName.TryGetValue(name, out var op)
            ? op
            : throw new ArgumentException($"Unknown op '{name}'. Known ops: {string.Join(", ", Names)}.");

    /// <summary>Parses every step of a recipe (validation at submission): the typed steps, in recipe order.</summary>
    public TypedStep[] Parse(IReadOnlyList<OperationSpec> steps, DatasetKind kind) =>
        steps.Select(s => new TypedStep(s.Op, Get(s.Op).Parse(s.ParametersJson, kind))).ToArray();
}
