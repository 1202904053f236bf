using System.Globalization;
using System.Text.Json;

namespace AudioMix.Audio.Codecs;

/// <summary>Runs <c>ffprobe -show_streams -show_format</c> and turns its JSON into an <see cref="AudioStreamInfo"/>.</summary>
internal static class FfprobeParser
{
    /// <summary>Probes <paramref name="path"/>; a probe running longer than <see cref="DecodeLimits.Timeout"/> is killed and the file refused.</summary>
    public static AudioStreamInfo Probe(string path, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var tool = ExternalTools.Ffprobe;
        string json;
        int exitCode;
        string stderr;
        using (var p = ExternalTools.Start(tool, ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path], writeStdin: false))
        {
            // Stdout is read here while stderr drains on its own task, so neither pipe can fill up and stall ffprobe.
            var stdoutTask = p.Process.StandardOutput.ReadToEndAsync();
            if (!stdoutTask.Wait(limits.Timeout))
            {
                // A stalled input (a pipe nobody writes, a network mount that hangs) or a pathological file: the file's
                // problem, not a missing tool's. Disposing the process kills it.
                throw limits.TimedOut(path, "ffprobe");
            }

            json = stdoutTask.Result;
            (exitCode, stderr) = p.WaitForExit(limits.Timeout);
        }

        if (exitCode != 0)
        {
            throw new AudioFormatException(path, $"ffprobe cannot read it as audio (exit code {exitCode}): {Describe(stderr)}");
        }

        return Parse(json, path);
    }

    internal static AudioStreamInfo Parse(string json, string? source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            JsonElement? audio = null;
            if (root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in streams.EnumerateArray())
                {
                    if (Str(s, "codec_type") == "audio")
                    {
                        audio = s;
                        break;
                    }
                }
            }

            if (audio is not { } a)
            {
                throw new AudioFormatException(source, "no audio stream found (ffprobe)");
            }

            var format = root.TryGetProperty("format", out var f) ? f : default;
            var codec = Str(a, "codec_name") ?? "unknown";
            var rate = Int(a, "sample_rate");
            var channels = Int(a, "channels");
            if (rate <= 0)
            {
                throw new AudioFormatException(source, $"ffprobe reports sample rate {rate} for the {codec} stream");
            }

            if (channels <= 0)
            {
                throw new AudioFormatException(source, $"ffprobe reports {channels} channels for the {codec} stream");
            }

            var bits = Int(a, "bits_per_raw_sample");
            if (bits <= 0)
            {
                bits = Int(a, "bits_per_sample");
            }

            // ffprobe has no sample count for most codecs (nb_frames counts packets): derive it from the duration.
            long frames = -1;
            var nbSamples = Dbl(a, "nb_samples");
            var duration = Dbl(a, "duration");
            if (double.IsNaN(duration) && format.ValueKind == JsonValueKind.Object)
            {
                duration = Dbl(format, "duration");
            }

            if (!double.IsNaN(nbSamples))
            {
                frames = (long)nbSamples;
            }
            else if (!double.IsNaN(duration) && duration >= 0)
            {
                frames = (long)Math.Round(duration * rate);
            }

            var formatName = format.ValueKind == JsonValueKind.Object ? Str(format, "format_name") ?? "unknown" : "unknown";
            return new AudioStreamInfo(ContainerName(formatName), codec, rate, channels, frames, Math.Max(0, bits));
        }
        catch (JsonException ex)
        {
            throw new AudioFormatException($"{source}: ffprobe output is not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>FFmpeg names demuxers by families ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"): reduce to one familiar name.</summary>
    internal static string ContainerName(string formatName)
    {
        var parts = formatName.Split(',');
        if (parts.Contains("m4a") || parts.Contains("mp4") || parts.Contains("mov"))
        {
            return "m4a";
        }

        return parts[0];
    }

    internal static string Describe(string stderr) =>
        string.IsNullOrWhiteSpace(stderr) ? "(no message)" : stderr.ReplaceLineEndings(" | ");

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name)
    {
        var d = Dbl(e, name);
        return double.IsNaN(d) || d < int.MinValue || d > int.MaxValue ? 0 : (int)d;
    }

    /// <summary>ffprobe prints some numbers as strings ("44100", "1.044898"): accept both.</summary>
    private static double Dbl(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return double.NaN;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => double.NaN,
        };
    }
}
