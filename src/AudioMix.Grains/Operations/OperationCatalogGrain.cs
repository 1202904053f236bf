using AudioMix.Grains.Jobs;
using Orleans.Concurrency;

namespace AudioMix.Grains.Operations;

/// <summary>Answers with this silo's <see cref="JobOperationRegistry"/> (every silo registers the same ops).</summary>
[StatelessWorker]
internal sealed class OperationCatalogGrain(JobOperationRegistry operations, JobPreflight preflight) : Grain, IOperationCatalogGrain
{
    public Task<IReadOnlyList<OperationDescriptor>> ListAsync() => Task.FromResult(operations.Descriptors);

    public async Task<JobValidation> ValidateAsync(JobSpec spec) => (await preflight.CheckAsync(spec)).Validation;
}
