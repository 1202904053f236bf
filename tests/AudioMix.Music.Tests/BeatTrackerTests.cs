using AudioMix.Audio;
using AudioMix.Music.Beats;
using TorchSharp;

namespace AudioMix.Music.Tests;

public sealed class BeatTrackerTests
{
    private static readonly Lazy<BeatTracker> Shared = new(() => new BeatTracker());

    private static BeatAnalysis Analyze(SyntheticMusic.Track t) => Shared.Value.Analyze(new AudioBuffer(t.SampleRate, [t.Samples]));

    /// <summary>Mean |estimate − nearest reference| over the estimates within ±70 ms, seconds.</summary>
    private static double MeanAbsOffset(double[] reference, double[] estimate) =>
        estimate.Select(e => reference.Min(r => Math.Abs(r - e))).Where(d => d <= 0.07).Average();

    [Theory]
    [InlineData(72.0, 4, false)]
    [InlineData(100.0, 4, true)]
    [InlineData(128.0, 4, true)]
    [InlineData(150.0, 4, true)]
    [InlineData(72.0, 3, false)]
    [InlineData(100.0, 3, true)]
    [InlineData(128.0, 3, true)]
    [InlineData(150.0, 3, true)]
    public void Drum_and_bass_pattern_gives_tempo_beats_meter_and_downbeats(double bpm, int meter, bool eighthHats)
    {
        var track = SyntheticMusic.DrumsAndBass(bpm, meter, 16, jitterMs: 2.0, seed: (int)bpm + meter, eighthHats: eighthHats);
        var result = Analyze(track);

        Assert.InRange(result.Tempo, bpm * 0.98, bpm * 1.02);
        Assert.True(BeatMetrics.FMeasure(track.Beats, result.Beats) >= 0.9, $"beat F {BeatMetrics.FMeasure(track.Beats, result.Beats):0.000}");
        Assert.True(MeanAbsOffset(track.Beats, result.Beats) < 0.02, $"mean |offset| {MeanAbsOffset(track.Beats, result.Beats) * 1000:0.0} ms");
        Assert.Equal(meter, result.Meter);
        var downbeatF = BeatMetrics.FMeasure(track.Downbeats, result.Downbeats);
        Assert.True(downbeatF >= 0.8, $"downbeat F {downbeatF:0.000}");
        Assert.InRange(result.Confidence, 0.3, 1.0);
    }

    /// <summary>
    /// Fast rock pattern (kick on 1 and 3, snare on 2 and 4, eighth hats): tracked at half tempo the kick would sit on
    /// every tracked beat and the snare halfway between; the kick/accent octave check must report the played tempo.
    /// </summary>
    [Theory]
    [InlineData(172.0)]
    [InlineData(186.0)]
    public void Fast_drum_pattern_is_tracked_at_the_played_tempo_not_half(double bpm)
    {
        var track = SyntheticMusic.DrumsAndBass(bpm, 4, 16, seed: (int)bpm);
        var result = Analyze(track);

        Assert.InRange(result.Tempo, bpm * 0.98, bpm * 1.02);
        Assert.True(BeatMetrics.FMeasure(track.Beats, result.Beats) >= 0.9, $"beat F {BeatMetrics.FMeasure(track.Beats, result.Beats):0.000}");
    }

    /// <summary>
    /// At 72 BPM with hi-hats on every eighth the log-mel flux (level-independent per band) sees an even 144 BPM pulse,
    /// and the comb salience picks the eighth level (as every tracker on the dev set doubles its ~65 BPM clips):
    /// the octave is ambiguous, so only "this or double" and the continuity at an allowed level are required.
    /// </summary>
    [Fact]
    public void Slow_pattern_with_eighth_note_hats_is_tracked_at_the_beat_or_the_eighth_level()
    {
        var track = SyntheticMusic.DrumsAndBass(72, 4, 16, seed: 76);
        var result = Analyze(track);

        Assert.True(BeatMetrics.TempoAcc2(72, result.Tempo, 0.02), $"tempo {result.Tempo:0.00}");
        Assert.True(Math.Abs(result.Tempo - 72) < 1.5 || Math.Abs(result.Tempo - 144) < 3, $"tempo {result.Tempo:0.00}");
        Assert.True(BeatMetrics.Continuity(track.Beats, result.Beats).AmlT >= 0.9);
    }

    [Theory]
    [InlineData(72.0)]
    [InlineData(100.0)]
    [InlineData(128.0)]
    [InlineData(150.0)]
    [InlineData(180.0)]
    [InlineData(190.0)]
    public void Click_track_is_tracked_at_the_click_rate(double bpm)
    {
        var track = SyntheticMusic.Clicks(bpm, 12);
        var result = Analyze(track);

        Assert.InRange(result.Tempo, bpm * 0.98, bpm * 1.02);
        Assert.True(BeatMetrics.FMeasure(track.Beats, result.Beats) >= 0.9, $"beat F {BeatMetrics.FMeasure(track.Beats, result.Beats):0.000}");
        // An isolated click in silence shows in the log-mel flux as soon as it enters the 93 ms window, so beats on a bare
        // click track sit up to ~20 ms early (on music with a background the dev-set median is about −8 ms).
        Assert.True(MeanAbsOffset(track.Beats, result.Beats) < 0.025, $"mean |offset| {MeanAbsOffset(track.Beats, result.Beats) * 1000:0.0} ms");
        Assert.All(result.Beats, b => Assert.InRange(b, 0, 12));
        Assert.Equal(result.Beats.Order().ToArray(), result.Beats);
    }

    [Fact]
    public void Stereo_44100_input_is_resampled_and_gives_the_same_tempo()
    {
        var track = SyntheticMusic.DrumsAndBass(110, 4, 12, sampleRate: 44100, seed: 3);
        var stereo = new AudioBuffer(44100, [track.Samples, track.Samples.Select(v => v * 0.5f).ToArray()]);
        var result = Shared.Value.Analyze(stereo);

        Assert.InRange(result.Tempo, 110 * 0.98, 110 * 1.02);
        Assert.True(BeatMetrics.FMeasure(track.Beats, result.Beats) >= 0.9);
    }

    [Fact]
    public void Silence_gives_an_empty_analysis()
    {
        var result = Shared.Value.Analyze(AudioBuffer.Silence(22050, 2, 22050 * 5));

        Assert.Equal(0, result.Tempo);
        Assert.Empty(result.Beats);
        Assert.Empty(result.Downbeats);
        Assert.Equal(0, result.Meter);
        Assert.Equal(0, result.Confidence);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(22050 / 2)]
    public void Very_short_input_gives_an_empty_analysis(int frames)
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, frames).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var buffer = frames == 0 ? AudioBuffer.Silence(22050, 1, 0) : new AudioBuffer(22050, [x]);

        var result = Shared.Value.Analyze(buffer);

        Assert.Same(BeatAnalysis.Empty, result);
    }

    [Fact]
    public void Two_seconds_of_clicks_do_not_crash_and_give_ordered_beats_inside_the_signal()
    {
        var track = SyntheticMusic.Clicks(120, 2, start: 0.1);
        var result = Analyze(track);

        Assert.All(result.Beats, b => Assert.InRange(b, 0, 2));
        Assert.All(result.Downbeats, d => Assert.Contains(d, result.Beats));
    }

    [Fact]
    public void Non_finite_samples_are_rejected_with_a_clear_error()
    {
        var x = new float[22050 * 2];
        x[100] = float.NaN;

        var ex = Assert.Throws<ArgumentException>(() => Shared.Value.Analyze(new AudioBuffer(22050, [x])));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysis_is_deterministic_across_calls_and_instances()
    {
        var track = SyntheticMusic.DrumsAndBass(123, 4, 10, seed: 11);
        var buffer = new AudioBuffer(track.SampleRate, [track.Samples]);
        using var other = new BeatTracker();

        var a = Shared.Value.Analyze(buffer);
        var b = Shared.Value.Analyze(buffer);
        var c = other.Analyze(buffer);

        foreach (var r in new[] { b, c })
        {
            Assert.Equal(a.Tempo, r.Tempo);
            Assert.Equal(a.Beats, r.Beats);
            Assert.Equal(a.Downbeats, r.Downbeats);
            Assert.Equal(a.Meter, r.Meter);
            Assert.Equal(a.Confidence, r.Confidence);
        }
    }

    [Fact]
    public void Analysis_leaves_no_live_tensors()
    {
        var track = SyntheticMusic.DrumsAndBass(100, 4, 6, seed: 2);
        var buffer = new AudioBuffer(track.SampleRate, [track.Samples]);
        using var tracker = new BeatTracker();
        _ = tracker.Analyze(buffer);

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 5; i++)
        {
            _ = tracker.Analyze(buffer);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Tracker_owns_its_tensors_until_disposed()
    {
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var tracker = new BeatTracker();
        tracker.Dispose();
        tracker.Dispose();

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Throws<ObjectDisposedException>(() => tracker.Analyze(AudioBuffer.Silence(22050, 1, 44100)));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeatTracker(new BeatTrackerOptions(Tightness: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeatTracker(new BeatTrackerOptions(HopLength: 4096)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeatTracker(new BeatTrackerOptions(PreferredMinBpm: 100, PreferredMaxBpm: 150)));
    }
}
