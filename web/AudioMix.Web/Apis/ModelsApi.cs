using AudioMix.Abstractions.Models;

namespace AudioMix.Web.Apis;

/// <summary>
/// <c>GET /api/models</c>: the learned models the cluster pins (name, version, licence, sha256, source, the ops that use
/// them) and whether the answering silo has each installed (installed | missing | corrupt; infra/models/install fixes both).
/// </summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/models", ListAsync).WithTags("Models");
        return routes;
    }

    internal static Task<IReadOnlyList<ModelInfo>> ListAsync(IGrainFactory grains) =>
        grains.GetGrain<IModelCatalogGrain>(0).ListAsync();
}
