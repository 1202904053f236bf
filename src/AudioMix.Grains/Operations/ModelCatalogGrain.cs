using AudioMix.Abstractions.Models;
using AudioMix.Models;
using Orleans.Concurrency;

namespace AudioMix.Grains.Operations;

/// <summary>Answers with the pinned models and this silo's installation state (hashes are checked once per file version).</summary>
[StatelessWorker]
internal sealed class ModelCatalogGrain(SiloModels models) : Grain, IModelCatalogGrain
{
    public Task<IReadOnlyList<ModelInfo>> ListAsync() => Task.FromResult<IReadOnlyList<ModelInfo>>(
        [.. models.Store.List().Select(status =>
        {
            var pin = status.Pin;
            return new ModelInfo(
                pin.Name, pin.Version, pin.Description, pin.License.Id, pin.License.Note, pin.License.RequiresAcceptance, pin.Sha256,
                $"npm {pin.Source.Npm}@{pin.Source.Version}:{pin.Source.Path}", status.State.ToString().ToLowerInvariant(), status.Path, pin.UsedBy);
        })]);
}
