using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Security;

/// <summary>What kind of owned resource an endpoint's <c>{id}</c> route value names.</summary>
internal enum OwnedResourceKind
{
    Dataset,
    Job,
}

/// <summary>
/// Endpoint metadata: the route value <see cref="RouteValue"/> is the id of a dataset or job, which only its owner
/// (and admins) may reach. Put on a whole route group, it covers every endpoint of the group, present and future.
/// </summary>
internal sealed record OwnedResource(OwnedResourceKind Kind, string RouteValue = "id");

/// <summary>
/// Answers 404 (the same answer as for an id that does not exist: nothing leaks) when the caller's owner is not the
/// owner of the dataset or job an endpoint's route names. Runs after authorisation and before the endpoint, so
/// before any body is read or bound.
/// </summary>
internal sealed class OwnershipMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IGrainFactory grains)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnedResource>() is { } owned
            && context.Request.RouteValues.TryGetValue(owned.RouteValue, out var value) && value is string id
            && Caller.FromPrincipal(context.User) is { IsAdmin: false } caller)
        {
            var (exists, owner) = owned.Kind switch
            {
                OwnedResourceKind.Dataset => await grains.GetGrain<IDatasetGrain>(id).GetAsync() is { } d ? (true, d.Owner) : (false, null),
                _ => await grains.GetGrain<IJobGrain>(id).GetStatusAsync() is { } j ? (true, j.Owner) : (false, null),
            };
            if (exists && !caller.Sees(owner))
            {
                var noun = owned.Kind == OwnedResourceKind.Dataset ? "Dataset" : "Job";
                await AuthProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"{noun} {id} does not exist.");
                return;
            }
        }

        await next(context);
    }
}

/// <summary>Route-group helpers.</summary>
internal static class OwnershipEndpointExtensions
{
    /// <summary>Every endpoint of the group whose route has <c>{id}</c> reaches only its owner's <paramref name="kind"/>.</summary>
    public static RouteGroupBuilder OwnedBy(this RouteGroupBuilder group, OwnedResourceKind kind) => group.WithMetadata(new OwnedResource(kind));
}
