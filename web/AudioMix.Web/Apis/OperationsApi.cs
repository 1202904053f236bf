using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Apis;

/// <summary>
/// <c>GET /api/operations</c>: the operations a recipe can name, with their descriptions, parameter schemas (type,
/// default, range, choices, description, when a parameter applies) and default parameters, from the cluster's registry.
/// </summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/operations", ListAsync).WithTags("Operations");
        return routes;
    }

    internal static Task<IReadOnlyList<OperationDescriptor>> ListAsync(IGrainFactory grains) =>
        grains.GetGrain<IOperationCatalogGrain>(0).ListAsync();
}
