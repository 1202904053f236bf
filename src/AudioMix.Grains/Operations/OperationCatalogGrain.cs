using Orleans.Concurrency;

namespace AudioMix.Grains.Operations;

/// <summary>Answers with this silo's <see cref="JobOperationRegistry"/> (every silo registers the same ops).</summary>
[StatelessWorker]
internal sealed class OperationCatalogGrain(JobOperationRegistry operations) : Grain, IOperationCatalogGrain
{
    public Task<IReadOnlyList<OperationDescriptor>> ListAsync() => Task.FromResult(operations.Descriptors);
}
