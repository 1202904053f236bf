namespace AudioMix.Web.Services;

/// <summary>An operation the job form offers: its recipe name, a one-line description and its default parameters.</summary>
internal sealed record RecipeOperation(string Name, string Description, string DefaultParametersJson);

/// <summary>
/// The operations the dashboard's job form offers, in menu order. Mixup has its own fields; every other
/// op is edited as its JSON parameters, prefilled with the defaults listed here (the op validates them).
/// </summary>
internal static class RecipeOperations
{
    public static IReadOnlyList<RecipeOperation> All { get; } =
    [
        new("mixup", "Mixup (Zhang et al. 2018): pairs mixed with λ ~ Beta(α, α), soft labels", "{}"),
        new("score", "MAPSS perceptual scores (PS/PM per 20 ms frame) of estimates vs references, grouped by metadata group/role/source", """{"encoder": "raw", "device": "cpu"}"""),
    ];

    public static RecipeOperation? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
