namespace AudioMix.Grains.Operations;

/// <summary>
/// An op's answer to "how many units can this dataset supply with these parameters" (see
/// <see cref="IJobOperation.Capacity"/>): the capacity, what was asked, what a left-out <c>count</c> becomes, how the
/// figure follows from the data, and, when impossible, the problem with what to change.
/// </summary>
public sealed record OperationCapacity(long? Requested, long Capacity, long DefaultCount, string Basis, string? Problem = null)
{
    /// <summary>One unit per usable item; <paramref name="what"/> names the items ("item", "mixture").</summary>
    public static OperationCapacity PerItem(int usable, string what) =>
        new(null, usable, usable, $"one per {what}: {usable} {what}{(usable == 1 ? "" : "s")}");

    /// <summary>An impossible step: <paramref name="why"/> the data cannot supply it, and what to change.</summary>
    public static OperationCapacity Impossible(long capacity, string why, string change) =>
        new(null, capacity, 0, why, $"{why}. {change}");

    /// <summary>
    /// A counted step: <paramref name="requested"/> (null: the default of <paramref name="perItem"/>, capped at the capacity)
    /// checked against <paramref name="capacity"/>; over it, the problem names the capacity and <paramref name="change"/>.
    /// </summary>
    public static OperationCapacity Counted(string op, int? requested, long capacity, int perItem, string basis, string change)
    {
        var problem = requested > capacity
            ? $"{op}: count {requested} is more than the dataset can supply ({basis}: at most {capacity}). Lower count to {capacity} or less, or {change}."
            : null;
        return new(requested, capacity, Math.Min(perItem, capacity), basis, problem);
    }

    internal StepCapacity ToStep(int step, string op) =>
        new(step, op, Requested, Capacity, DefaultCount, Basis, Problem is null || Problem.StartsWith(op, StringComparison.Ordinal) ? Problem : $"{op}: {Problem}");
}
