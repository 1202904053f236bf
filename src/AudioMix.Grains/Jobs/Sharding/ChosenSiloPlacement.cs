using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace AudioMix.Grains.Jobs.Sharding;

/// <summary>
/// Places a new activation on the silo its first caller names in the request context (<see cref="SiloKey"/>), or on a
/// random compatible silo when none is named or the named one has left.
/// </summary>
/// <remarks>
/// Why not activation-count or resource-optimised placement: a job starts a handful of shards within milliseconds, and
/// those strategies decide from load statistics that are refreshed every few seconds, so a burst lands on one silo. The
/// job grain knows exactly which silos run how many of its shards (every shard reports its silo), so it picks the least
/// busy active silo itself and this director carries the choice out. A re-dispatched shard whose silo died gets a new
/// choice among the silos that are left.
/// </remarks>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("AudioMix.ChosenSiloPlacement")]
public sealed class ChosenSiloPlacement : PlacementStrategy
{
    /// <summary>The request-context key holding the chosen silo (<see cref="SiloAddress.ToParsableString"/>).</summary>
    public const string SiloKey = "audiomix.silo";

    internal static ChosenSiloPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="ChosenSiloPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ChosenSiloPlacementAttribute() : PlacementAttribute(ChosenSiloPlacement.Instance);

/// <summary>Carries out <see cref="ChosenSiloPlacement"/>.</summary>
internal sealed class ChosenSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        if (target.RequestContextData is { } data && data.TryGetValue(ChosenSiloPlacement.SiloKey, out var chosen) && chosen is string address)
        {
            foreach (var silo in silos)
            {
                if (silo.ToParsableString() == address)
                {
                    return Task.FromResult(silo);
                }
            }
        }

        return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
    }
}
