using AudioMix.Audio;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Separation.Tests;

public sealed class VocalActivitySegmenterTests
{
    private const int Rate = 16000;

    /// <summary>A tone present during the given (start, end) spans, silent elsewhere.</summary>
    private static AudioBuffer Voice(double seconds, params (double Start, double End)[] spans)
    {
        var data = new float[(int)(seconds * Rate)];
        foreach (var (start, end) in spans)
        {
            for (var i = (int)(start * Rate); i < (int)(end * Rate) && i < data.Length; i++)
            {
                data[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * i / Rate));
            }
        }

        return new AudioBuffer(Rate, [data]);
    }

    [Fact]
    public void Two_phrases_apart_by_more_than_a_second_become_two_padded_segments()
    {
        var segmenter = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false));
        var segments = segmenter.Segment(Voice(12, (1.0, 3.0), (6.0, 8.5)));

        Assert.Equal(2, segments.Count);
        // Starts: the onset frame (frames are 128 ms long, so the first loud frame begins up to one frame early), minus the 200 ms pad.
        Assert.InRange(segments[0].Start, 1.0 - 0.2 - 0.128, 1.0 - 0.2 + 0.001);
        Assert.InRange(segments[0].End, 3.0 + 0.2 - 0.001, 3.0 + 0.2 + 0.033);
        Assert.InRange(segments[1].Start, 6.0 - 0.2 - 0.128, 6.0 - 0.2 + 0.001);
        Assert.InRange(segments[1].End, 8.5 + 0.2 - 0.001, 8.5 + 0.2 + 0.033);
    }

    [Fact]
    public void Share_scoring_finds_the_voice_in_leaky_vocals_where_peak_scoring_marks_everything()
    {
        // An imperfect separator: the "vocals" carry the voice plus the accompaniment at a third of its level.
        var voice = Voice(12, (1.0, 3.0), (6.0, 8.5));
        var accompaniment = new float[voice.Frames];
        for (var i = 0; i < accompaniment.Length; i++)
        {
            accompaniment[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 97 * i / Rate) * (0.75 + (0.25 * Math.Sin(2 * Math.PI * 0.5 * i / Rate))));
        }

        var mixture = new AudioBuffer(Rate, [voice.Channels[0].Zip(accompaniment, (v, a) => v + a).ToArray()]);
        var leaky = new AudioBuffer(Rate, [voice.Channels[0].Zip(accompaniment, (v, a) => v + (a / 3)).ToArray()]);

        var peak = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false)).Segment(leaky);
        Assert.Single(peak);
        Assert.True(peak[0].Duration > 11, $"peak scoring: {peak[0]}");

        var share = new VocalActivitySegmenter(new VocalActivityOptions(OnsetThreshold: 0.7, OffsetThreshold: 0.7, Merge: false, Score: VocalActivityScore.Share))
            .Segment(leaky, mixture);
        Assert.Equal(2, share.Count);
        // A frame half over the voice has a share near ½, under the 0.7 threshold: edges land within one 128 ms frame.
        Assert.InRange(share[0].Start, 1.0 - 0.2 - 0.128, 1.0 - 0.2 + 0.128);
        Assert.InRange(share[0].End, 3.0 + 0.2 - 0.128, 3.0 + 0.2 + 0.128);
        Assert.InRange(share[1].Start, 6.0 - 0.2 - 0.128, 6.0 - 0.2 + 0.128);
        Assert.InRange(share[1].End, 8.5 + 0.2 - 0.128, 8.5 + 0.2 + 0.128);

        var missing = Assert.Throws<ArgumentException>(() => new VocalActivitySegmenter(new VocalActivityOptions(Score: VocalActivityScore.Share)).Segment(leaky));
        Assert.Contains("give the mixture", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new VocalActivitySegmenter(new VocalActivityOptions(Score: VocalActivityScore.Share)).Segment(leaky, mixture.Slice(0, 1000)));
    }

    [Fact]
    public void Spans_shorter_than_the_minimum_speech_are_dropped_before_padding()
    {
        // A 2 s phrase and, 4 s later, a 60 ms blip (a leaked drum hit).
        var audio = Voice(10, (1.0, 3.0), (7.0, 7.06));
        var all = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false)).Segment(audio);
        Assert.Equal(2, all.Count);

        var speech = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false, MinSpeechSeconds: 0.25)).Segment(audio);
        var phrase = Assert.Single(speech);
        Assert.Equal(all[0], phrase);

        Assert.Throws<ArgumentOutOfRangeException>(() => new VocalActivitySegmenter(new VocalActivityOptions(MinSpeechSeconds: -1)));
    }

    [Fact]
    public void A_pause_shorter_than_the_minimum_silence_does_not_split()
    {
        var segmenter = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false));
        var segments = segmenter.Segment(Voice(8, (1.0, 3.0), (3.6, 5.0)));
        var only = Assert.Single(segments);
        Assert.InRange(only.End, 5.2 - 0.001, 5.2 + 0.033);
    }

    [Fact]
    public void Long_singing_is_cut_below_30_seconds_and_merging_keeps_chunks_within_30_seconds()
    {
        // 70 s of continuous voice with short (0.3 s) breaths every 9 s: cuts must land in those breaths.
        var spans = Enumerable.Range(0, 8).Select(k => (Start: (k * 9.0) + 0.3, End: (k * 9.0) + 9.0)).ToArray();
        var segmenter = new VocalActivitySegmenter(new VocalActivityOptions(Merge: false));
        var segments = segmenter.Segment(Voice(72, spans));
        Assert.True(segments.Count >= 3);
        Assert.All(segments, s => Assert.True(s.Duration <= 30.0 + 1e-9, $"{s.Start}–{s.End}"));

        var merged = new VocalActivitySegmenter().Segment(Voice(72, spans));
        Assert.All(merged, s => Assert.True(s.Duration <= 30.0 + 1e-9));
        Assert.True(merged.Count <= segments.Count);
        for (var i = 1; i < merged.Count; i++)
        {
            Assert.True(merged[i].Start >= merged[i - 1].End - 1e-9);
        }
    }

    [Fact]
    public void Greedy_merge_joins_short_segments_up_to_the_maximum()
    {
        var voice = Voice(60, (1, 4), (10, 14), (20, 25), (40, 45));
        var merged = new VocalActivitySegmenter().Segment(voice);
        // 0.8–25.2 fits in 30 s; 39.8–45.2 starts a new chunk.
        Assert.Equal(2, merged.Count);
        Assert.InRange(merged[0].End - merged[0].Start, 24, 30);
    }

    [Fact]
    public void Transcript_lines_attach_to_the_segment_that_holds_most_of_them()
    {
        var segments = new[] { new VocalSegment(0.8, 3.2), new VocalSegment(5.8, 8.7) };
        var transcript = new[]
        {
            new TranscriptLine(1.0, 2.0, "hello"),
            new TranscriptLine(2.1, 3.0, "world"),
            new TranscriptLine(6.0, 8.5, "second line"),
            new TranscriptLine(10, 11, "outside"),
        };
        var attached = VocalActivitySegmenter.AttachText(segments, transcript);
        Assert.Equal("hello world", attached[0].Text);
        Assert.Equal("second line", attached[1].Text);
    }

    [Fact]
    public void Transcript_metadata_is_read_and_bad_shapes_are_named()
    {
        var metadata = new Dictionary<string, string> { ["segments"] = """[{"start":0.5,"end":1.5,"text":"la la"}]""" };
        var lines = VocalActivitySegmenter.ReadTranscript(metadata);
        Assert.Equal([new TranscriptLine(0.5, 1.5, "la la")], lines);
        Assert.Null(VocalActivitySegmenter.ReadTranscript(new Dictionary<string, string> { ["genre"] = "\"pop\"" }));

        var bad = new Dictionary<string, string> { ["segments"] = """[{"start":2,"end":1,"text":"x"}]""" };
        var error = Assert.Throws<ArgumentException>(() => VocalActivitySegmenter.ReadTranscript(bad));
        Assert.Contains("entry 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Silence_gives_no_segments()
    {
        Assert.Empty(new VocalActivitySegmenter().Segment(AudioBuffer.Silence(Rate, 1, Rate * 3)));
    }
}
