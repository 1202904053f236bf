namespace AudioMix.Abstractions.Jobs;

/// <summary>
/// What one recipe step can get from the dataset: how many units were asked for, how many the dataset can supply under
/// the step's pairing rules, and, when the step is impossible, what is wrong and what to change.
/// </summary>
/// <param name="Step">The step's position in the recipe.</param>
/// <param name="Op">The op's recipe name.</param>
/// <param name="Requested">The units asked for (<c>count</c>), or null when the op decides (e.g. one per item).</param>
/// <param name="Capacity">The most units the dataset can supply with these parameters (an upper bound where the exact
/// figure needs the op's analysis, e.g. beat tracking; <see cref="Basis"/> says so).</param>
/// <param name="DefaultCount">The units the step makes when <c>count</c> is left out (never above <see cref="Capacity"/>).</param>
/// <param name="Basis">How the capacity follows from the dataset, e.g. "35 captioned items × maxUses 4 ÷ 2".</param>
/// <param name="Problem">Why the step cannot run and what to change, or null when it can.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.StepCapacity")]
public sealed record StepCapacity(int Step, string Op, long? Requested, long Capacity, long DefaultCount, string Basis, string? Problem = null);

/// <summary>The outcome of checking a job spec before it exists (<c>POST /api/jobs/validate</c>, and every submission).</summary>
/// <param name="Errors">Problems that make the job impossible (bad parameters, unknown dataset, too little data); empty when valid.</param>
/// <param name="Steps">Each step's capacity, for the steps whose parameters parsed.</param>
/// <param name="DatasetFound">False when the dataset does not exist.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.JobValidation")]
public sealed record JobValidation(IReadOnlyList<string> Errors, IReadOnlyList<StepCapacity> Steps, bool DatasetFound = true)
{
    /// <summary>True when the job can be started.</summary>
    public bool Valid => Errors.Count == 0;
}
