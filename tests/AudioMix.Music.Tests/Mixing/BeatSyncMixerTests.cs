using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Audio.Loudness;
using AudioMix.Music.Beats;
using AudioMix.Music.Mixing;

namespace AudioMix.Music.Tests.Mixing;

public sealed class BeatSyncMixerTests(ITestOutputHelper output)
{
    private static readonly Lazy<BeatTracker> Tracker = new(() => new BeatTracker());

    private sealed record Source(SyntheticMusic.Track Track, AudioBuffer Audio, BeatAnalysis Analysis);

    private static Source Make(double bpm, int seed, double seconds = 24, double gain = 1)
    {
        // Below 90 BPM the eighth-note hats would make the pattern a double-time one (the tracker rightly follows them).
        var track = SyntheticMusic.DrumsAndBass(bpm, 4, seconds, jitterMs: 1.0, seed: seed, eighthHats: bpm >= 90);
        var audio = new AudioBuffer(track.SampleRate, [track.Samples.Select(v => (float)(v * gain)).ToArray()]);
        return new Source(track, audio, Tracker.Value.Analyze(audio));
    }

    private static (Source Anchor, Source Partner, BeatSyncPair Pair) Plan(Source a, Source b, long seed = 11)
    {
        Source[] sources = [a, b];
        var tempi = sources.Select(s => new TrackTempo(s.Analysis.Tempo, s.Analysis.Meter, s.Analysis.Beats.Length, s.Analysis.Confidence)).ToArray();
        var pair = Assert.Single(BeatSyncPairPlanner.Plan(tempi, 1, seed, new BeatSyncPairOptions()));
        return (sources[pair.Anchor], sources[pair.Partner], pair);
    }

    /// <summary>Re-tracks both aligned stems independently and measures how far apart their grids are (median |offset|, s).</summary>
    private static double RetrackedGridOffset(BeatSyncAlignment alignment)
    {
        var anchor = Tracker.Value.Analyze(alignment.Anchor);
        var partner = Tracker.Value.Analyze(alignment.Partner);
        BeatSyncMixer.MedianOffset(anchor.Beats, partner.Beats, out var offset);
        return offset;
    }

    [Theory]
    [InlineData(120.0, 126.0)]
    [InlineData(126.0, 120.0)]
    [InlineData(75.0, 150.0)]
    [InlineData(100.0, 97.0)]
    public void Stretched_and_aligned_partner_shares_the_anchors_beat_grid_when_retracked(double bpmA, double bpmB)
    {
        var (anchor, partner, pair) = Plan(Make(bpmA, seed: 3), Make(bpmB, seed: 5));
        var options = new BeatSyncMixOptions { LengthSeconds = 10 };
        var mix = BeatSyncMixer.Mix(anchor.Audio, anchor.Analysis, partner.Audio, partner.Analysis, pair, DeterministicRandom.ForUnit(7, 0, 2), options);

        Assert.Equal(10.0, mix.Audio.Duration, 2);
        var cut = mix.Alignment.Cut;
        Assert.Contains(cut.AnchorDownbeat, anchor.Analysis.Downbeats);
        Assert.Contains(cut.PartnerDownbeat, partner.Analysis.Downbeats);
        if (bpmA * 2 == bpmB || bpmB * 2 == bpmA)
        {
            Assert.True(pair.OctaveFactor != 1.0, $"tracked {anchor.Analysis.Tempo:0.0} and {partner.Analysis.Tempo:0.0} BPM, folded by {pair.OctaveFactor}");
        }

        var retracked = RetrackedGridOffset(mix.Alignment);
        Assert.True(retracked < 0.020, $"re-tracked stems' grids differ by {retracked * 1000:0.0} ms (median)");

        // Against the generator's true beat times, carried through the reported cut and stretch.
        var trueAnchor = anchor.Track.Beats.Select(b => b - cut.AnchorDownbeat).Where(b => b >= 0 && b <= cut.Length).ToArray();
        var truePartner = partner.Track.Beats.Select(b => (b - cut.PartnerCut) * cut.StretchRatio).Where(b => b >= 0 && b <= cut.Length).ToArray();
        BeatSyncMixer.MedianOffset(trueAnchor, truePartner, out var trueOffset);
        Assert.True(trueOffset < 0.020, $"true grids differ by {trueOffset * 1000:0.0} ms (median)");

        // The mix itself still has one grid: its re-tracked beats sit on the anchor's true beats.
        var mixBeats = Tracker.Value.Analyze(mix.Audio).Beats;
        BeatSyncMixer.MedianOffset(trueAnchor, mixBeats, out var mixOffset);
        output.WriteLine($"{bpmA} vs {bpmB}: ratio {cut.StretchRatio:0.0000}, shift {cut.GridShiftSeconds * 1000:0.0} ms; median |offset| re-tracked stems {retracked * 1000:0.0} ms, true {trueOffset * 1000:0.0} ms, mix vs anchor {mixOffset * 1000:0.0} ms");
        Assert.True(mixOffset < 0.020, $"mix beats are {mixOffset * 1000:0.0} ms off the anchor's (median)");
    }

    [Fact]
    public void Without_the_stretch_the_same_pair_drifts_off_the_grid_so_the_measure_can_fail()
    {
        var (anchor, partner, pair) = Plan(Make(120, seed: 3), Make(126, seed: 5));
        Assert.NotEqual(1.0, pair.StretchRatio);
        var unstretched = pair with { StretchRatio = 1.0 };
        var options = new BeatSyncMixOptions { LengthSeconds = 10 };
        var cut = BeatSyncMixer.PlanCut(anchor.Analysis, anchor.Audio.Duration, partner.Analysis, partner.Audio.Duration, unstretched, DeterministicRandom.ForUnit(7, 0, 2), options);
        var offset = RetrackedGridOffset(BeatSyncMixer.Align(anchor.Audio, partner.Audio, cut, options));
        Assert.True(offset > 0.030, $"an unstretched 5 % mismatch should drift, got {offset * 1000:0.0} ms");
    }

    [Fact]
    public void Same_seed_gives_identical_mixes_different_seeds_differ_and_inputs_stay_untouched()
    {
        var (anchor, partner, pair) = Plan(Make(120, seed: 3), Make(123, seed: 5));
        var anchorCopy = anchor.Audio.Clone();
        var partnerCopy = partner.Audio.Clone();
        var options = new BeatSyncMixOptions { LengthSeconds = 6 };

        var first = BeatSyncMixer.Mix(anchor.Audio, anchor.Analysis, partner.Audio, partner.Analysis, pair, DeterministicRandom.ForUnit(1, 0, 2), options);
        var again = BeatSyncMixer.Mix(anchor.Audio, anchor.Analysis, partner.Audio, partner.Analysis, pair, DeterministicRandom.ForUnit(1, 0, 2), options);
        var cuts = Enumerable.Range(0, 8)
            .Select(s => BeatSyncMixer.PlanCut(anchor.Analysis, anchor.Audio.Duration, partner.Analysis, partner.Audio.Duration, pair, DeterministicRandom.ForUnit(s, 0, 2), options))
            .Select(c => (c.AnchorDownbeat, c.PartnerDownbeat))
            .Distinct()
            .Count();

        Assert.Equal(first.Audio.Channels[0], again.Audio.Channels[0]);
        Assert.Equal(first.Alignment.Cut.PartnerCut, again.Alignment.Cut.PartnerCut);
        Assert.True(cuts > 1, "different seeds should choose different downbeats");
        Assert.Equal(anchorCopy.Channels[0], anchor.Audio.Channels[0]);
        Assert.Equal(partnerCopy.Channels[0], partner.Audio.Channels[0]);
    }

    [Fact]
    public void Length_in_bars_follows_the_anchor_tempo_and_never_runs_past_the_material()
    {
        var (anchor, partner, pair) = Plan(Make(120, seed: 3, seconds: 16), Make(121, seed: 5, seconds: 16));
        var random = DeterministicRandom.ForUnit(2, 0, 2);

        var bars = BeatSyncMixer.PlanCut(anchor.Analysis, anchor.Audio.Duration, partner.Analysis, partner.Audio.Duration, pair, random, new BeatSyncMixOptions { LengthBars = 2 });
        Assert.Equal(2 * 4 * 60 / anchor.Analysis.Tempo, bars.Length, 6);

        var tooLong = BeatSyncMixer.PlanCut(anchor.Analysis, anchor.Audio.Duration, partner.Analysis, partner.Audio.Duration, pair, random, new BeatSyncMixOptions { LengthSeconds = 60 });
        Assert.True(tooLong.Length <= anchor.Audio.Duration - tooLong.AnchorDownbeat + 1e-9);
        Assert.True(tooLong.Length <= ((partner.Audio.Duration - tooLong.PartnerCut) * tooLong.StretchRatio) + 1e-9);
        Assert.True(tooLong.Length > 10, $"the earliest downbeats leave the most material, got {tooLong.Length:0.00} s");

        var aligned = BeatSyncMixer.Align(anchor.Audio, partner.Audio, tooLong, new BeatSyncMixOptions());
        Assert.Equal(aligned.Anchor.Frames, aligned.Partner.Frames);
        Assert.Throws<ArgumentException>(() => new BeatSyncMixOptions { LengthBars = 2, LengthSeconds = 3 }.Validate());
        Assert.Throws<ArgumentException>(() => new BeatSyncMixOptions { LengthSeconds = -1 }.Validate());
    }

    [Fact]
    public void Loudness_is_matched_before_weighting_and_the_peak_guard_holds()
    {
        var (anchor, partner, pair) = Plan(Make(120, seed: 3), Make(124, seed: 5, gain: 0.1));
        var mix = BeatSyncMixer.Mix(anchor.Audio, anchor.Analysis, partner.Audio, partner.Analysis, pair, DeterministicRandom.ForUnit(3, 0, 2), new BeatSyncMixOptions { LengthSeconds = 8, PeakCeiling = 0.2f, TargetLufs = -14 });

        var a = LoudnessMeter.Measure(mix.Alignment.Anchor).IntegratedLufs + mix.AnchorGainDb;
        var b = LoudnessMeter.Measure(mix.Alignment.Partner).IntegratedLufs + mix.PartnerGainDb;
        Assert.Equal(a, b, 1);
        Assert.True(Math.Abs(mix.PartnerGainDb - mix.AnchorGainDb) > 10, $"one source is 20 dB quieter; matching must show in the gains ({mix.AnchorGainDb:0.0}, {mix.PartnerGainDb:0.0})");
        Assert.True(mix.Audio.Peak() <= 0.2f);
        Assert.True(mix.PeakGuardDb < 0);
    }

    [Fact]
    public void A_partner_at_another_rate_and_layout_is_resampled_and_channel_matched_and_stays_on_the_grid()
    {
        var (anchor, partner, pair) = Plan(Make(120, seed: 3), Make(125, seed: 5));
        var resampled = AudioMix.Audio.Dsp.Resampler.Resample(partner.Audio, 44100);
        var stereo = new AudioBuffer(44100, [resampled.Channels[0], (float[])resampled.Channels[0].Clone()]);
        var options = new BeatSyncMixOptions { LengthSeconds = 8 };
        var cut = BeatSyncMixer.PlanCut(anchor.Analysis, anchor.Audio.Duration, partner.Analysis, stereo.Duration, pair, DeterministicRandom.ForUnit(4, 0, 2), options);

        var aligned = BeatSyncMixer.Align(anchor.Audio, stereo, cut, options);

        Assert.Equal(0.5, aligned.PartnerResampleRatio);
        Assert.Equal(anchor.Audio.SampleRate, aligned.Partner.SampleRate);
        Assert.Equal(1, aligned.Partner.ChannelCount);
        Assert.Equal(aligned.Anchor.Frames, aligned.Partner.Frames);
        var offset = RetrackedGridOffset(aligned);
        Assert.True(offset < 0.020, $"re-tracked grids differ by {offset * 1000:0.0} ms");
    }

    [Fact]
    public void A_drifting_partner_gets_a_ratio_fitted_to_the_mixed_beats_so_its_grid_stays_aligned()
    {
        // Anchor: steady 120 BPM. Partner: a tempo ramp 121 → 131 BPM over 40 s (median ≈ 126), as a DAW ramp or rubato gives.
        static double[] Grid(Func<double, double> bpmAt, double seconds)
        {
            var beats = new List<double> { 0.5 };
            while (beats[^1] < seconds - 0.5)
            {
                beats.Add(beats[^1] + (60 / bpmAt(beats[^1])));
            }

            return [.. beats];
        }

        static BeatAnalysis Analysis(double[] beats) =>
            new(60 / beats.Zip(beats.Skip(1), (a, b) => b - a).Order().ElementAt((beats.Length - 1) / 2), beats, beats.Where((_, i) => i % 4 == 0).ToArray(), 4, 0.9);

        var anchor = Analysis(Grid(_ => 120, 40));
        var partner = Analysis(Grid(t => 121 + (10 * t / 40), 40));
        var pair = new BeatSyncPair(0, 1, 1, Math.Abs((anchor.Tempo / partner.Tempo) - 1), partner.Tempo / anchor.Tempo, 0.5);
        var options = new BeatSyncMixOptions { LengthSeconds = 10 };
        var offsets = new List<(double Fitted, double Global)>();
        for (var seed = 0; seed < 6; seed++)
        {
            var fitted = BeatSyncMixer.PlanCut(anchor, 40, partner, 40, pair, DeterministicRandom.ForUnit(seed, 0, 2), options);
            var global = BeatSyncMixer.PlanCut(anchor, 40, partner, 40, pair, DeterministicRandom.ForUnit(seed, 0, 2), options with { RefineGrid = false });
            BeatSyncMixer.MedianOffset(fitted.AnchorBeats, fitted.PartnerBeats, out var f);
            BeatSyncMixer.MedianOffset(global.AnchorBeats, global.PartnerBeats, out var g);
            Assert.Equal(f, fitted.GridOffsetSeconds, 9);
            Assert.NotEqual(pair.StretchRatio, fitted.StretchRatio);
            Assert.InRange(fitted.StretchRatio / pair.StretchRatio, 0.97, 1.03);
            offsets.Add((f, double.IsNaN(g) ? 1 : g));
        }

        Assert.All(offsets, o => Assert.True(o.Fitted < 0.010, $"fitted grid offset {o.Fitted * 1000:0.0} ms"));
        Assert.True(offsets.Average(o => o.Global) > 0.02, $"the global ratio should drift: {offsets.Average(o => o.Global) * 1000:0.0} ms");
    }

    [Fact]
    public void A_track_without_beats_is_refused_with_a_clear_error()
    {
        var source = Make(120, seed: 3);
        var pair = new BeatSyncPair(0, 1, 1, 0, 1, 0.5);
        var error = Assert.Throws<ArgumentException>(() => BeatSyncMixer.PlanCut(
            source.Analysis, source.Audio.Duration, BeatAnalysis.Empty, 10, pair, new DeterministicRandom(1), new BeatSyncMixOptions()));
        Assert.Contains("partner", error.Message, StringComparison.Ordinal);
    }
}
