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
        new("caption_mix", "Caption mix-up (Wu et al. 2023, DCASE 2023): captioned pairs mixed, captions merged (built-in or LLM)", """{"mode": "wu", "count": 100, "similarity": 0.8, "maxUses": 4, "variants": 3, "merger": "builtin"}"""),
        new("beat_sync_mixup", "Beat-synchronous mixup (MusicLDM): tempo-matched pairs cut at downbeats, partner stretched, grids aligned", """{"alpha": 5, "tolerance": 0.06, "noStretchTolerance": 0.003, "meterMatch": false, "maxUses": 4, "length": 10.24, "labels": "anchor", "pairsOnly": false}"""),
        new("separate", "Source separation (HPSS drums/harmonic, two-stage HPSS or REPET-SIM vocals/accompaniment, mid/side, Wiener refinement): stems per item", """{"method": "hpss", "wienerIterations": 0}"""),
        new("segment_vocals", "Vocal-activity segments for long-form ASR (separated vocals, RMS onset/offset, ≤30 s chunks, timed text attached)", """{"method": "two-stage-hpss", "score": "peak", "onset": 0.1, "minSilenceSeconds": 1, "maxSegmentSeconds": 30, "paddingSeconds": 0.2, "merge": "greedy", "audio": "mix"}"""),
        new("score", "MAPSS perceptual scores (PS/PM per 20 ms frame) of estimates vs references, grouped by metadata group/role/source", """{"encoder": "raw", "device": "cpu"}"""),
    ];

    public static RecipeOperation? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
