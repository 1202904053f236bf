namespace AudioMix.Grains.Operations;

/// <summary>Builds <see cref="JobOutput"/> records whose shape every op shares.</summary>
internal static class JobOutputs
{
    /// <summary>A unit that failed: no audio, the error, and what is known of it as provenance.</summary>
    public static JobOutput Failed(int index, string op, string provenanceJson, string error) =>
        new(index, op, null, 0, 0, 0, null, null, null, null, provenanceJson, error, ReviewState.Pending);

    /// <summary>
    /// The output with plain arrays and dictionaries in its collections. Ops build them with collection expressions,
    /// whose compiler-made types (<c>&lt;&gt;z__ReadOnlyArray</c>) the JSON grain-state serializer records by name and
    /// then refuses to load: an output must survive its shard's state being read back.
    /// </summary>
    public static JobOutput Storable(JobOutput output) => output with
    {
        Assets = output.Assets?.ToArray(),
        SoftLabels = output.SoftLabels is null ? null : new Dictionary<string, double>(output.SoftLabels, StringComparer.Ordinal),
        Metrics = output.Metrics is null ? null : new Dictionary<string, double>(output.Metrics, StringComparer.Ordinal),
    };
}
