using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Unit plans as JSON, for a failed unit's provenance (what was planned, since nothing was rendered). Plans travel as
/// typed records (Orleans' serializer); this is their only JSON form.
/// </summary>
[JsonSerializable(typeof(MixupPlan))]
[JsonSerializable(typeof(CaptionMixPlan))]
[JsonSerializable(typeof(BeatSyncMixupPlan))]
[JsonSerializable(typeof(SeparationPlan))]
[JsonSerializable(typeof(ScorePlan))]
internal sealed partial class UnitPlanJson : JsonSerializerContext
{
    /// <summary>The plan's fields as a JSON object (null for a plan type this context does not know).</summary>
    public static JsonNode? Describe(UnitPlan plan) =>
        Default.GetTypeInfo(plan.GetType()) is { } info ? JsonSerializer.SerializeToNode(plan, info) : null;
}
