using AudioMix.Grains.Audio;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The typed side of an operation: parameters <typeparamref name="TParams"/> parsed once at submission, plans
/// <typeparamref name="TPlan"/> made at planning time, and rendering with both, typed. This base does the casts the
/// untyped engine contract (<see cref="IJobOperation"/>) needs and hands rendering a <see cref="UnitRenderer"/> (item
/// lookup, resampling to the output rate, asset writing, the output record).
/// </summary>
public abstract class JobOperation<TParams, TPlan>(BlobAudio audio) : IJobOperation
    where TParams : OperationParams
    where TPlan : UnitPlan
{
    /// <inheritdoc/>
    public string Name => Descriptor.Name;

    /// <inheritdoc/>
    public abstract OperationDescriptor Descriptor { get; }

    /// <summary>The blob audio reader/writer the op renders with.</summary>
    protected BlobAudio Audio => audio;

    /// <summary>Parses and validates the recipe's parameters (see <see cref="IJobOperation.Parse"/>).</summary>
    public abstract TParams Parse(string parametersJson, DatasetKind kind);

    /// <summary>Work before planning (see <see cref="IJobOperation.PrepareAsync"/>); the default hands the items over unchanged.</summary>
    protected virtual Task<IReadOnlyList<DatasetItem>> PrepareItemsAsync(
        IReadOnlyList<DatasetItem> items, TParams parameters, IProgress<PreparationProgress> progress, CancellationToken cancellationToken) =>
        Task.FromResult(items);

    /// <summary>
    /// What the dataset can supply (see <see cref="IJobOperation.Capacity"/>). The default is one unit per item, impossible
    /// on an empty dataset; ops with a <c>count</c> or pairing rules override it with the rules their planner applies.
    /// </summary>
    protected virtual OperationCapacity CapacityOf(DatasetSummary dataset, TParams parameters) =>
        dataset.ItemCount == 0
            ? OperationCapacity.Impossible(0, "the dataset has no items", "Upload items to the dataset first.")
            : OperationCapacity.PerItem(dataset.ItemCount, "item");

    /// <summary>The unit plans, in unit order (pure and deterministic given <paramref name="seed"/>).</summary>
    protected abstract IEnumerable<TPlan> PlanUnits(IReadOnlyList<DatasetItem> items, TParams parameters, long seed);

    /// <summary>Renders one unit.</summary>
    protected abstract Task<JobOutput> RenderUnitAsync(UnitRenderer unit, TParams parameters, TPlan plan, CancellationToken cancellationToken);

    OperationParams IJobOperation.Parse(string parametersJson, DatasetKind kind) => Parse(parametersJson, kind);

    Task<IReadOnlyList<DatasetItem>> IJobOperation.PrepareAsync(
        IReadOnlyList<DatasetItem> items, OperationParams parameters, IProgress<PreparationProgress> progress, CancellationToken cancellationToken) =>
        PrepareItemsAsync(items, Typed(parameters), progress, cancellationToken);

    StepCapacity IJobOperation.Capacity(DatasetSummary dataset, OperationParams parameters, int recipeStep) =>
        CapacityOf(dataset, Typed(parameters)).ToStep(recipeStep, Name);

    IReadOnlyList<PlannedUnit> IJobOperation.Plan(IReadOnlyList<DatasetItem> items, OperationParams parameters, long seed, int firstIndex, int recipeStep) =>
        PlanUnits(items, Typed(parameters), seed).Select((plan, i) => new PlannedUnit(firstIndex + i, recipeStep, Name, plan)).ToArray();

    Task<JobOutput> IJobOperation.RenderAsync(UnitContext context, PlannedUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(unit);
        var plan = unit.Plan as TPlan
            ?? throw new InvalidOperationException($"Unit {unit.Index} has a {unit.Plan.GetType().Name}, not a {Name} plan ({typeof(TPlan).Name}).");
        return RenderUnitAsync(new UnitRenderer(audio, context, unit), Typed(context.Params), plan, cancellationToken);
    }

    private TParams Typed(OperationParams parameters) =>
        parameters as TParams
            ?? throw new InvalidOperationException($"{Name} was given {parameters?.GetType().Name ?? "no parameters"}, not {typeof(TParams).Name}.");
}
