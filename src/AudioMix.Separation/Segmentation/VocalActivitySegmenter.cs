using System.Text.Json;
using AudioMix.Audio;

namespace AudioMix.Separation.Segmentation;

/// <summary>
/// Finds where a (separated) vocal track is active and cuts it into ASR-ready segments of at most 30 s (Syed et al.
/// 2025, "RMS-VAD"): frame RMS normalised by the track's maximum; a segment opens at the onset threshold and closes
/// after <see cref="VocalActivityOptions.MinSilenceSeconds"/> below the offset threshold; overlong segments are cut at
/// the last silence of ≥ 98 ms, else at the quietest frame of their second half; segments are padded (gaps shorter
/// than two pads are split in half) and greedily merged into chunks of at most the maximum length.
/// </summary>
public sealed class VocalActivitySegmenter
{
    /// <summary>The metadata field holding a timed transcript: a JSON array of <c>{"start": s, "end": s, "text": "…"}</c>.</summary>
    public const string TranscriptField = "segments";

    private readonly VocalActivityOptions _options;

    /// <summary>Creates a segmenter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public VocalActivitySegmenter(VocalActivityOptions? options = null)
    {
        _options = options ?? new VocalActivityOptions();
        _options.Validate();
    }

    /// <summary>The parameters.</summary>
    public VocalActivityOptions Options => _options;

    /// <summary>
    /// Frame scores. <see cref="VocalActivityScore.Peak"/>: RMS over all channels per frame, divided by the maximum (0 for
    /// silence throughout). <see cref="VocalActivityScore.Share"/>: the vocals' RMS divided by the mixture's in the same
    /// frame, at most 1 (0 where the mixture is silent) — needs <paramref name="mixture"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Share scoring without a mixture, or a mixture of another rate or length.</exception>
    public double[] Scores(AudioBuffer vocals, AudioBuffer? mixture = null)
    {
        ArgumentNullException.ThrowIfNull(vocals);
        var frame = Math.Max(1, (int)Math.Round(_options.FrameSeconds * vocals.SampleRate));
        var hop = Math.Max(1, (int)Math.Round(_options.HopSeconds * vocals.SampleRate));
        var scores = Rms(vocals, frame, hop);
        if (_options.Score == VocalActivityScore.Share)
        {
            if (mixture is null)
            {
                throw new ArgumentException("Share scoring divides the vocals by the mixture: give the mixture.", nameof(mixture));
            }

            if (mixture.SampleRate != vocals.SampleRate || mixture.Frames != vocals.Frames)
            {
                throw new ArgumentException(
                    $"The mixture ({mixture.Frames} samples at {mixture.SampleRate} Hz) must match the vocals ({vocals.Frames} at {vocals.SampleRate} Hz).", nameof(mixture));
            }

            var total = Rms(mixture, frame, hop);
            // Frames 80 dB below the mixture's loudest are silence, not a ratio of two rounding errors.
            var floor = 1e-4 * (total.Length == 0 ? 0 : total.Max());
            for (var t = 0; t < scores.Length; t++)
            {
                scores[t] = total[t] > floor ? Math.Min(1, scores[t] / total[t]) : 0;
            }

            return scores;
        }

        var max = scores.Length == 0 ? 0 : scores.Max();
        for (var t = 0; t < scores.Length; t++)
        {
            scores[t] = max > 0 ? scores[t] / max : 0;
        }

        return scores;
    }

    /// <summary>Segments of vocal activity in <paramref name="vocals"/>, seconds, padded and (by default) merged.</summary>
    /// <param name="vocals">The separated vocals.</param>
    /// <param name="mixture">What they were separated from; needed for <see cref="VocalActivityScore.Share"/>.</param>
    public IReadOnlyList<VocalSegment> Segment(AudioBuffer vocals, AudioBuffer? mixture = null)
    {
        ArgumentNullException.ThrowIfNull(vocals);
        return Segment(Scores(vocals, mixture), vocals.Duration);
    }

    /// <summary>RMS over all channels per frame; the last frame is zero-padded.</summary>
    private static double[] Rms(AudioBuffer audio, int frame, int hop)
    {
        var count = audio.Frames == 0 ? 0 : 1 + ((Math.Max(0, audio.Frames - frame) + hop - 1) / hop);
        var rms = new double[count];
        for (var t = 0; t < count; t++)
        {
            var start = t * hop;
            var end = Math.Min(audio.Frames, start + frame);
            double sum = 0;
            foreach (var channel in audio.Channels)
            {
                for (var i = start; i < end; i++)
                {
                    sum += (double)channel[i] * channel[i];
                }
            }

            rms[t] = Math.Sqrt(sum / (frame * audio.ChannelCount));
        }

        return rms;
    }

    /// <summary>Segments from precomputed frame scores (frame t starts at t·hop seconds) over a source of <paramref name="duration"/> seconds.</summary>
    public IReadOnlyList<VocalSegment> Segment(IReadOnlyList<double> scores, double duration)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var o = _options;
        var hop = o.HopSeconds;
        var maxSpeech = o.MaxSegmentSeconds - hop - (2 * o.PaddingSeconds);
        var raw = new List<(double Start, double End)>();
        var triggered = false;
        double start = 0;
        double? tempEnd = null, prevEnd = null, nextStart = null;
        for (var i = 0; i < scores.Count; i++)
        {
            var t = i * hop;
            var s = scores[i];
            if (s >= o.OnsetThreshold && tempEnd is not null)
            {
                // Voice is back before the silence was long enough: the candidate end is void.
                tempEnd = null;
                if (nextStart is null || nextStart < prevEnd)
                {
                    nextStart = t;
                }
            }

            if (s >= o.OnsetThreshold && !triggered)
            {
                triggered = true;
                start = t;
                continue;
            }

            if (triggered && t - start > maxSpeech)
            {
                // Overflow: cut at the last silence of ≥ MinSilenceAtMax, else at the quietest frame of the second half.
                double cut, resume;
                if (prevEnd is { } pe)
                {
                    cut = pe;
                    resume = nextStart is { } ns && ns > pe ? ns : pe;
                }
                else
                {
                    var from = (int)Math.Ceiling((start + (maxSpeech / 2)) / hop);
                    var best = from;
                    for (var j = from; j <= i; j++)
                    {
                        if (scores[j] <= scores[best])
                        {
                            best = j;
                        }
                    }

                    cut = best * hop;
                    resume = cut;
                }

                raw.Add((start, cut));
                start = resume;
                prevEnd = nextStart = tempEnd = null;
                if (start > t)
                {
                    // The voice resumed after the cut point only later: wait for the next onset.
                    triggered = false;
                }

                continue;
            }

            if (s < o.OffsetThreshold && triggered)
            {
                tempEnd ??= t;
                if (t - tempEnd.Value > o.MinSilenceAtMaxSeconds)
                {
                    prevEnd = tempEnd;
                }

                if (t - tempEnd.Value < o.MinSilenceSeconds)
                {
                    continue;
                }

                raw.Add((start, tempEnd.Value));
                prevEnd = nextStart = tempEnd = null;
                triggered = false;
            }
        }

        if (triggered && duration - start > 0)
        {
            raw.Add((start, Math.Min(duration, tempEnd ?? duration)));
        }

        // Silero's min_speech_duration: blips (a drum hit leaking into the vocals) are not speech. Applied before padding.
        raw.RemoveAll(span => span.End - span.Start < o.MinSpeechSeconds);
        var padded = Pad(raw, o.PaddingSeconds, duration);
        return o.Merge ? MergeGreedy(padded, o.MaxSegmentSeconds) : padded;
    }

    /// <summary>
    /// Attaches to each segment the transcript lines that mostly fall inside it (more than half of the line's
    /// duration overlaps the segment), so every line lands in at most one segment; lines of zero length count by
    /// their start. Segments with no such line get an empty string.
    /// </summary>
    public static IReadOnlyList<VocalSegment> AttachText(IReadOnlyList<VocalSegment> segments, IReadOnlyList<TranscriptLine> transcript)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(transcript);
        return [.. segments.Select(segment =>
        {
            var words = transcript
                .Where(line =>
                {
                    var length = line.End - line.Start;
                    if (length <= 0)
                    {
                        return line.Start >= segment.Start && line.Start < segment.End;
                    }

                    var overlap = Math.Min(line.End, segment.End) - Math.Max(line.Start, segment.Start);
                    return overlap > length / 2;
                })
                .OrderBy(line => line.Start)
                .Select(line => line.Text.Trim())
                .Where(text => text.Length > 0);
            return segment with { Text = string.Join(' ', words) };
        })];
    }

    /// <summary>
    /// Reads a timed transcript from item metadata: the <see cref="TranscriptField"/> field, a JSON array of objects
    /// with numeric <c>start</c> and <c>end</c> (seconds) and string <c>text</c>. Returns <see langword="null"/> when
    /// the field is absent.
    /// </summary>
    /// <exception cref="ArgumentException">The field is present but not in that shape (names the problem).</exception>
    public static IReadOnlyList<TranscriptLine>? ReadTranscript(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(TranscriptField, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                // CSV metadata carries the array as a JSON string.
                return ReadTranscript(new Dictionary<string, string> { [TranscriptField] = root.GetString()! });
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new ArgumentException($"Metadata field '{TranscriptField}' must be a JSON array of {{start, end, text}} objects.", nameof(metadata));
            }

            var lines = new List<TranscriptLine>();
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object
                    || !element.TryGetProperty("start", out var s) || !s.TryGetDouble(out var start)
                    || !element.TryGetProperty("end", out var e) || !e.TryGetDouble(out var end)
                    || !element.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String
                    || !double.IsFinite(start) || !double.IsFinite(end) || end < start || start < 0)
                {
                    throw new ArgumentException(
                        $"Metadata field '{TranscriptField}', entry {index}: needs numeric 'start' ≤ 'end' (seconds, ≥ 0) and a string 'text'.", nameof(metadata));
                }

                lines.Add(new TranscriptLine(start, end, t.GetString()!));
                index++;
            }

            return lines;
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Metadata field '{TranscriptField}' is not valid JSON: {ex.Message}", nameof(metadata), ex);
        }
    }

    private static List<VocalSegment> Pad(List<(double Start, double End)> raw, double pad, double duration)
    {
        var result = new List<VocalSegment>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var start = raw[i].Start;
            var end = raw[i].End;
            start = i == 0 ? Math.Max(0, start - pad) : result[i - 1].End < raw[i].Start ? Math.Max(result[i - 1].End, start - pad) : start;
            if (i + 1 < raw.Count)
            {
                var gap = raw[i + 1].Start - end;
                end = gap < 2 * pad ? end + (Math.Max(0, gap) / 2) : end + pad;
            }
            else
            {
                end = Math.Min(duration, end + pad);
            }

            result.Add(new VocalSegment(Math.Round(start, 6), Math.Round(end, 6)));
        }

        return result;
    }

    private static List<VocalSegment> MergeGreedy(List<VocalSegment> segments, double maxLength)
    {
        var result = new List<VocalSegment>();
        foreach (var segment in segments)
        {
            if (result.Count > 0 && segment.End - result[^1].Start <= maxLength)
            {
                result[^1] = result[^1] with { End = segment.End };
            }
            else
            {
                result.Add(segment);
            }
        }

        return result;
    }
}
