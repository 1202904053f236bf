using AudioMix.Audio.Codecs;

namespace AudioMix.Grains.Operations;

/// <summary>A unit of work decided at planning time: which op (and its position in the recipe), and its op-specific plan as JSON.</summary>
/// <param name="Index">The unit's index in the job (outputs are keyed by it).</param>
/// <param name="Op">The op's recipe name.</param>
/// <param name="PlanJson">The op-specific plan.</param>
/// <param name="Sources">
/// Ids of the (prepared) items the unit reads. The job ships exactly these items with the unit's shard, so a shard
/// never needs the whole dataset; rendering a unit with an item it did not declare fails.
/// </param>
/// <param name="Step">The op's position in the recipe.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.PlannedUnit")]
public sealed record PlannedUnit(int Index, string Op, string PlanJson, IReadOnlyList<string> Sources, int Step = 0);

/// <summary>What an operation's render step gets to work with.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Spec">The job's spec (seed, output format).</param>
/// <param name="ParametersJson">This op's parameters.</param>
/// <param name="Items">The dataset's items by id.</param>
/// <param name="OutputKey">Where the unit's audio goes; a function of (job, unit) so a re-run overwrites.</param>
public sealed record UnitContext(
    string JobId,
    JobSpec Spec,
    string ParametersJson,
    IReadOnlyDictionary<string, DatasetItem> Items,
    string OutputKey)
{
    /// <summary>The WAV sample format the job asked for.</summary>
    public WavSampleFormat SampleFormat => Spec.Output.SampleFormat switch
    {
        "pcm16" => WavSampleFormat.Pcm16,
        "pcm24" => WavSampleFormat.Pcm24,
        "float32" => WavSampleFormat.Float32,
        var other => throw new ArgumentException($"Unknown output sample format '{other}' (use pcm16, pcm24 or float32)."),
    };
}

/// <summary>
/// One augmentation a job can run. Planning is pure and deterministic given the seed; rendering
/// one unit reads sources from blob storage, computes, and writes exactly one output blob.
/// </summary>
public interface IJobOperation
{
    /// <summary>The op name used in recipes.</summary>
    string Name { get; }

    /// <summary>Checks the parameters; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    void Validate(string parametersJson, DatasetKind kind);

    /// <summary>
    /// Asynchronous work the op needs before <see cref="Plan"/> (e.g. analysing every item), awaited by the job's
    /// background loop; heavy work belongs in the <c>ComputeLimiter</c>. Returns the items as <see cref="Plan"/> should see
    /// them, typically with computed facts added to <see cref="DatasetItem.Metadata"/>. The default hands them over unchanged.
    /// </summary>
    Task<IReadOnlyList<DatasetItem>> PrepareAsync(
        IReadOnlyList<DatasetItem> items, string parametersJson, IProgress<PreparationProgress> progress, CancellationToken cancellationToken) =>
        Task.FromResult(items);

    /// <summary>Decides the units, numbering them from <paramref name="firstIndex"/>.</summary>
    IReadOnlyList<PlannedUnit> Plan(IReadOnlyList<DatasetItem> items, string parametersJson, long seed, int firstIndex);

    /// <summary>Renders one unit (runs on the thread pool, never on the grain scheduler).</summary>
    Task<JobOutput> RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken);
}

/// <summary>How far an op's preparation has got: items done out of the total.</summary>
public sealed record PreparationProgress(int Done, int Total);

/// <summary>The operations this silo knows, by name.</summary>
public sealed class JobOperationRegistry(IEnumerable<IJobOperation> operations)
{
    private readonly Dictionary<string, IJobOperation> _byName = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>The known op names, sorted.</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The op called <paramref name="name"/>; an <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    public IJobOperation Get(string name) =>
        _byName.TryGetValue(name, out var op)
            ? op
            : throw new ArgumentException($"Unknown op '{name}'. Known ops: {string.Join(", ", Names)}.");
}
