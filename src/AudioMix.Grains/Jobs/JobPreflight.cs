using AudioMix.Grains.Operations;
using Microsoft.Extensions.Options;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// Checks a job spec before the job exists: the dataset, the output settings, every step's parameters (parsing is
/// validation) and what the dataset can supply to each step (<see cref="IJobOperation.Capacity"/>: the ops' own pairing
/// rules, so the preflight and the planner agree). Used by <c>POST /api/jobs/validate</c> (through
/// <see cref="IOperationCatalogGrain.ValidateAsync"/>) and by every <see cref="IJobGrain.StartAsync"/>, so an impossible
/// job is refused before any state is written.
/// </summary>
internal sealed class JobPreflight(JobOperationRegistry operations, IGrainFactory grains, IOptions<JobEngineOptions> engine)
{
    /// <summary>The validation and, when valid, the parsed steps.</summary>
    public async Task<(JobValidation Validation, TypedStep[] Steps)> CheckAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<string>();
        if (spec.Operations.Count == 0)
        {
            errors.Add("A job needs at least one operation.");
        }

        Try(errors, () => UnitContext.ParseSampleFormat(spec.Output.SampleFormat));
        if (spec.Output.SampleRate is <= 0 or > 384_000)
        {
            errors.Add($"Output sample rate {spec.Output.SampleRate} is out of range (1..384000).");
        }

        var dataset = string.IsNullOrWhiteSpace(spec.DatasetId) ? null : await grains.GetGrain<IDatasetGrain>(spec.DatasetId).GetAsync();
        if (dataset is null)
        {
            errors.Add($"Dataset {spec.DatasetId} does not exist.");
            return (new JobValidation(errors, [], DatasetFound: false), []);
        }

        var steps = new TypedStep?[spec.Operations.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            var step = spec.Operations[i];
            steps[i] = Try(errors, () => new TypedStep(step.Op, operations.Get(step.Op).Parse(step.ParametersJson, dataset.Kind)));
        }

        // The unit bound comes from the parameters alone (no item list read), so a job over AudioMix:Jobs:MaxUnits is
        // refused before anything is prepared or planned.
        var maxUnits = steps.Where(s => s is not null).Sum(s => s!.Params.MaxUnits(dataset.ItemCount));
        var overLimit = maxUnits > engine.Value.MaxUnits;
        if (overLimit)
        {
            errors.Add(
                $"The job would make up to {maxUnits} units ({dataset.ItemCount} items in dataset {spec.DatasetId}), over the limit of " +
                $"{engine.Value.MaxUnits} per job ({JobEngineOptions.Section}:MaxUnits); no job was created. Lower the ops' \"count\" or split the dataset.");
        }

        var capacities = new List<StepCapacity>();
        if (!overLimit && steps.Any(s => s is not null))
        {
            // Capacity rules need counts only (items, captioned, scoring material), which the dataset's summary keeps:
            // no item list is read, however large the dataset.
            foreach (var (step, i) in steps.Select((s, i) => (s, i)).Where(s => s.s is not null))
            {
                var capacity = operations.Get(step!.Op).Capacity(dataset, step.Params, i);
                capacities.Add(capacity);
                if (capacity.Problem is { } problem)
                {
                    errors.Add(problem);
                }
            }
        }

        return (new JobValidation(errors, capacities), errors.Count == 0 ? steps.Select(s => s!).ToArray() : []);
    }

    private static T? Try<T>(List<string> errors, Func<T> parse)
        where T : class?
    {
        try
        {
            return parse();
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
            return null;
        }
    }

    private static void Try(List<string> errors, Action check) => Try<object>(errors, () => { check(); return new object(); });
}
