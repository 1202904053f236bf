using System.Text.Json.Nodes;

namespace AudioMix.Scoring;

/// <summary>
/// The JSON form of a <see cref="MapssResult"/>: <c>{"sources": [{"ps": mean, "pm": mean, "frames": [{"t": s, "ps": x,
/// "pm": y}, ...]}, ...]}</c> in reference order, NaN written as <c>null</c>. Optional extras: a source name, the
/// per-frame error radii and 95 % half-widths, and run facts.
/// </summary>
public static class MapssJson
{
    /// <summary>Builds the JSON object.</summary>
    /// <param name="result">The scores.</param>
    /// <param name="sourceNames">Names added as <c>"source"</c> per entry, or null.</param>
    /// <param name="includeIntervals">Adds <c>psBias</c>, <c>psProb</c>, <c>pmBias</c>, <c>pmProb</c> per frame and the run facts.</param>
    public static JsonObject Build(MapssResult result, IReadOnlyList<string>? sourceNames = null, bool includeIntervals = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sources = new JsonArray();
        for (var s = 0; s < result.Sources.Count; s++)
        {
            var scores = result.Sources[s];
            var frames = new JsonArray();
            for (var j = 0; j < result.FrameCount; j++)
            {
                var frame = new JsonObject
                {
                    ["t"] = Math.Round(MapssResult.FrameTime(j), 3),
                    ["ps"] = Number(scores.Ps[j]),
                    ["pm"] = Number(scores.Pm[j]),
                };
                if (includeIntervals)
                {
                    frame["psBias"] = Number(scores.PsBias[j]);
                    frame["psProb"] = Number(scores.PsProb[j]);
                    frame["pmBias"] = Number(scores.PmBias[j]);
                    frame["pmProb"] = Number(scores.PmProb[j]);
                }

                frames.Add(frame);
            }

            var entry = new JsonObject();
            if (sourceNames is not null)
            {
                entry["source"] = sourceNames[s];
            }

            entry["ps"] = Number(scores.MeanPs);
            entry["pm"] = Number(scores.MeanPm);
            entry["frames"] = frames;
            sources.Add(entry);
        }

        var root = new JsonObject { ["sources"] = sources };
        if (includeIntervals)
        {
            root["encoder"] = result.Encoder;
            root["frameRate"] = MapssResult.FrameRate;
            root["pooling"] = "mean over scored frames";
        }

        return root;
    }

    private static JsonValue? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
