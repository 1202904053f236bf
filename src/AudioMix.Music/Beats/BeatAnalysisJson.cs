using System.Text.Json;

namespace AudioMix.Music.Beats;

/// <summary>
/// The JSON form of a <see cref="BeatAnalysis"/> (<c>{"tempo", "beats", "downbeats", "meter", "confidence"}</c>, the shape
/// <c>audiomix beats --json</c> prints), at full double precision so a cached analysis plans exactly like a fresh one.
/// </summary>
public static class BeatAnalysisJson
{
    /// <summary>Writes the analysis as one JSON object.</summary>
    public static string Serialize(BeatAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("tempo", analysis.Tempo);
            Times(w, "beats", analysis.Beats);
            Times(w, "downbeats", analysis.Downbeats);
            w.WriteNumber("meter", analysis.Meter);
            w.WriteNumber("confidence", analysis.Confidence);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads an analysis; <c>beats</c> is required, the rest default (tempo from the median beat interval).</summary>
    /// <exception cref="ArgumentException">The text is not such an object, or the times are not ascending finite numbers.</exception>
    public static BeatAnalysis Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("beats", out var beatsElement))
            {
                throw new ArgumentException("A beat analysis is a JSON object with a \"beats\" array of times in seconds.", nameof(json));
            }

            var beats = ReadTimes(beatsElement, "beats");
            var downbeats = root.TryGetProperty("downbeats", out var d) ? ReadTimes(d, "downbeats") : [];
            var tempo = root.TryGetProperty("tempo", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : MedianTempo(beats);
            var meter = root.TryGetProperty("meter", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0;
            var confidence = root.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : 1.0;
            return new BeatAnalysis(tempo, beats, downbeats, meter, confidence);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"A beat analysis is not valid JSON: {ex.Message}", nameof(json), ex);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"A beat analysis holds a value of the wrong kind: {ex.Message}", nameof(json), ex);
        }
    }

    private static void Times(Utf8JsonWriter w, string name, double[] times)
    {
        w.WriteStartArray(name);
        foreach (var time in times)
        {
            w.WriteNumberValue(time);
        }

        w.WriteEndArray();
    }

    private static double[] ReadTimes(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException($"\"{name}\" must be an array of times in seconds.");
        }

        var times = element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN).ToArray();
        for (var i = 0; i < times.Length; i++)
        {
            if (!double.IsFinite(times[i]) || times[i] < 0 || (i > 0 && times[i] <= times[i - 1]))
            {
                throw new ArgumentException($"\"{name}\" must hold ascending, non-negative times in seconds (entry {i} is not).");
            }
        }

        return times;
    }

    private static double MedianTempo(double[] beats)
    {
        if (beats.Length < 2)
        {
            return 0;
        }

        var steps = beats.Zip(beats.Skip(1), (a, b) => b - a).Order().ToArray();
        return 60.0 / steps[steps.Length / 2];
    }
}
