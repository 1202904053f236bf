using AudioMix.Audio;
using AudioMix.Separation.Metrics;

namespace AudioMix.Separation.Tests;

public sealed class SeparatorTests
{
    [Fact]
    public void Hpss_puts_noise_bursts_in_the_percussive_stem_and_tones_in_the_harmonic_stem()
    {
        var drums = SyntheticMixes.Bursts(4, 0.5, seed: 1);
        var tones = SyntheticMixes.Tones(4);
        var mix = SyntheticMixes.Sum(drums, tones);
        using var hpss = SeparatorFactory.Hpss();
        var stems = hpss.Separate(mix);

        Assert.Equal(["percussive", "harmonic"], hpss.StemNames);
        var percussive = SeparationMetrics.SiSdr(stems["percussive"], drums);
        var harmonic = SeparationMetrics.SiSdr(stems["harmonic"], tones);

        // Both clearly better than returning the mixture (which scores about 0 dB and -1 dB here).
        Assert.True(percussive > SeparationMetrics.SiSdr(mix, drums) + 8, $"percussive {percussive:0.0} dB");
        Assert.True(harmonic > SeparationMetrics.SiSdr(mix, tones) + 8, $"harmonic {harmonic:0.0} dB");
        Assert.True(harmonic > 10, $"harmonic {harmonic:0.0} dB");
    }

    [Fact]
    public void Hpss_stems_sum_back_to_the_mixture_with_margin_one()
    {
        var mix = SyntheticMixes.Sum(SyntheticMixes.Bursts(2, 0.3, seed: 2), SyntheticMixes.Tones(2));
        using var hpss = SeparatorFactory.Hpss();
        var stems = hpss.Separate(mix);
        var sum = SyntheticMixes.Sum(stems["percussive"], stems["harmonic"]);
        Assert.True(SyntheticMixes.MaxAbsDifference(sum, mix) < 1e-4);
    }

    [Fact]
    public void Hpss_with_a_margin_can_output_the_residual_as_a_third_stem()
    {
        var mix = SyntheticMixes.Sum(SyntheticMixes.Bursts(2, 0.3, seed: 3), SyntheticMixes.Tones(2));
        using var hpss = SeparatorFactory.Hpss(new HpssOptions(Margin: 3, ResidualStem: true));
        var stems = hpss.Separate(mix);
        Assert.Equal(["percussive", "harmonic", "residual"], hpss.StemNames);
        var total = SyntheticMixes.Sum(SyntheticMixes.Sum(stems["percussive"], stems["harmonic"]), stems["residual"]);
        Assert.True(SyntheticMixes.MaxAbsDifference(total, mix) < 1e-4);
        Assert.True(stems["residual"].Peak() > 0.001f);
    }

    [Fact]
    public void Repet_sim_separates_a_non_repeating_voice_from_a_repeating_background()
    {
        // Background: the same 1-s bar over and over; foreground: a gliding tone that never repeats.
        const int rate = SyntheticMixes.Rate;
        var bar = SyntheticMixes.Sum(SyntheticMixes.Bursts(1, 0.25, seed: 4), SyntheticMixes.Tones(1, gain: 0.05f));
        var background = AudioBuffer.Silence(rate, 2, rate * 12);
        for (var b = 0; b < 12; b++)
        {
            for (var c = 0; c < 2; c++)
            {
                Array.Copy(bar.Channels[c], 0, background.Channels[c], b * rate, Math.Min(bar.Frames, rate));
            }
        }

        // A melody of random notes (0.3 s each, 200–800 Hz with two harmonics): no two bars alike.
        var random = new AudioMix.Audio.Augmentation.DeterministicRandom(44);
        var voice = AudioBuffer.Silence(rate, 2, background.Frames);
        var noteFrames = (int)(0.3 * rate);
        for (var start = 0; start < voice.Frames; start += noteFrames)
        {
            var f = 200 * Math.Pow(2, random.NextDouble(0, 2));
            for (var i = start; i < Math.Min(voice.Frames, start + noteFrames); i++)
            {
                var t = (double)i / rate;
                var value = (float)(0.1 * (Math.Sin(2 * Math.PI * f * t) + (0.5 * Math.Sin(4 * Math.PI * f * t)) + (0.25 * Math.Sin(6 * Math.PI * f * t))));
                voice.Channels[0][i] = value;
                voice.Channels[1][i] = value;
            }
        }

        var mix = SyntheticMixes.Sum(background, voice);
        using var repet = SeparatorFactory.RepetSim();
        var stems = repet.Separate(mix);
        var vocals = SeparationMetrics.SiSdr(stems["vocals"], voice);
        var accompaniment = SeparationMetrics.SiSdr(stems["accompaniment"], background);
        Assert.True(vocals > SeparationMetrics.SiSdr(mix, voice) + 5, $"vocals {vocals:0.0} dB, mixture {SeparationMetrics.SiSdr(mix, voice):0.0} dB");
        Assert.True(accompaniment > SeparationMetrics.SiSdr(mix, background) + 5, $"accompaniment {accompaniment:0.0} dB");
    }

    [Fact]
    public void Two_stage_hpss_separates_a_gliding_voice_from_drums_and_sustained_chords()
    {
        // Accompaniment: drum bursts and steady chords. Voice: syllables whose pitch glides and wobbles (vibrato) with
        // eight harmonics — steady within a short window, never horizontal within a long one.
        var accompaniment = SyntheticMixes.Sum(SyntheticMixes.Bursts(8, 0.25, seed: 8, gain: 0.3f), SyntheticMixes.Tones(8, gain: 0.04f));
        var voice = GlidingVoice(accompaniment.Frames, seed: 45);
        var mix = SyntheticMixes.Sum(accompaniment, voice);
        using var twoStage = SeparatorFactory.TwoStageHpss();
        var stems = twoStage.Separate(mix);

        Assert.Equal(["vocals", "accompaniment"], twoStage.StemNames);
        var vocals = SeparationMetrics.SiSdr(stems["vocals"], voice);
        var rest = SeparationMetrics.SiSdr(stems["accompaniment"], accompaniment);
        Assert.True(vocals > SeparationMetrics.SiSdr(mix, voice) + 5, $"vocals {vocals:0.0} dB, mixture {SeparationMetrics.SiSdr(mix, voice):0.0} dB");
        Assert.True(rest > SeparationMetrics.SiSdr(mix, accompaniment) + 5, $"accompaniment {rest:0.0} dB, mixture {SeparationMetrics.SiSdr(mix, accompaniment):0.0} dB");

        // One pass alone cannot do this: HPSS's harmonic side keeps the chords and much of the voice together.
        using var hpss = SeparatorFactory.Hpss();
        Assert.True(vocals > SeparationMetrics.SiSdr(hpss.Separate(mix)["harmonic"], voice) + 3);

        // The masks are complementary, so the stems add back to the mixture.
        Assert.True(SyntheticMixes.MaxAbsDifference(SyntheticMixes.Sum(stems["vocals"], stems["accompaniment"]), mix) < 1e-4);
    }

    /// <summary>Syllables whose pitch glides and wobbles (6 Hz vibrato), eight harmonics, centre-panned, or only on <paramref name="onlyChannel"/>.</summary>
    private static AudioBuffer GlidingVoice(int frames, ulong seed, int? onlyChannel = null)
    {
        const int rate = SyntheticMixes.Rate;
        var voice = AudioBuffer.Silence(rate, 2, frames);
        var random = new AudioMix.Audio.Augmentation.DeterministicRandom(seed);
        var phase = 0.0;
        for (var start = 0.1; start < ((double)frames / rate) - 0.5; start += 0.45)
        {
            var (from, to) = (140 * Math.Pow(2, random.NextDouble(0, 1)), 140 * Math.Pow(2, random.NextDouble(0, 1)));
            var length = random.NextDouble(0.25, 0.4);
            for (var i = (int)(start * rate); i < (int)((start + length) * rate); i++)
            {
                var u = ((double)i / rate - start) / length;
                var f0 = (from + ((to - from) * u)) * (1 + (0.03 * Math.Sin(2 * Math.PI * 6 * i / rate)));
                phase += 2 * Math.PI * f0 / rate;
                var value = 0.0;
                for (var h = 1; h <= 8; h++)
                {
                    value += Math.Sin(h * phase) / h;
                }

                var sample = (float)(0.08 * Math.Sin(Math.PI * u) * value);
                for (var c = 0; c < 2; c++)
                {
                    voice.Channels[c][i] = onlyChannel is null || onlyChannel == c ? sample : 0f;
                }
            }
        }

        return voice;
    }

    [Fact]
    public void Two_stage_hpss_sends_a_hard_panned_gliding_instrument_to_the_accompaniment_on_stereo()
    {
        // Two voice-like parts: the lead in the centre, another only on the left. The HPSS passes cannot tell them
        // apart; the centre filter can.
        var lead = GlidingVoice(SyntheticMixes.Rate * 6, seed: 46);
        var panned = GlidingVoice(SyntheticMixes.Rate * 6, seed: 47, onlyChannel: 0);
        var accompaniment = SyntheticMixes.Sum(SyntheticMixes.Bursts(6, 0.25, seed: 9, gain: 0.3f), panned);
        var mix = SyntheticMixes.Sum(accompaniment, lead);

        using var centred = SeparatorFactory.TwoStageHpss();
        using var plain = SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(CentreStereo: false));
        var withCentre = SeparationMetrics.SiSdr(centred.Separate(mix)["vocals"], lead);
        var without = SeparationMetrics.SiSdr(plain.Separate(mix)["vocals"], lead);
        Assert.True(withCentre > without + 2, $"with the centre filter {withCentre:0.0} dB, without {without:0.0} dB");

        // Mono input has no sides: the filter is skipped and the result is the plain two passes.
        var mono = mix.ToMono();
        Assert.True(SyntheticMixes.MaxAbsDifference(centred.Separate(mono)["vocals"], plain.Separate(mono)["vocals"]) < 1e-6);
    }

    [Fact]
    public void Two_stage_hpss_rejects_windows_that_are_not_long_then_short_and_audio_shorter_than_its_first_window()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(LongWindowSeconds: 0.05, ShortWindowSeconds: 0.1)));

        // 0.02 s and 0.03 s both round to a 512-point FFT at 22.05 kHz: no second resolution is left.
        using var close = SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(LongWindowSeconds: 0.03, ShortWindowSeconds: 0.02));
        var error = Assert.Throws<ArgumentException>(() => close.Separate(SyntheticMixes.Tones(1)));
        Assert.Contains("short window must be shorter", error.Message, StringComparison.Ordinal);

        // Too short for the first pass (8192 points at 22.05 kHz), whole or streamed: the error names this method.
        using var twoStage = SeparatorFactory.TwoStageHpss();
        var tooShort = SyntheticMixes.Tones(0.1);
        Assert.StartsWith("two-stage-hpss: the audio", Assert.Throws<ArgumentException>(() => twoStage.Separate(tooShort)).Message, StringComparison.Ordinal);
        Assert.StartsWith(
            "two-stage-hpss: the audio",
            Assert.Throws<ArgumentException>(() => twoStage.Separate(SyntheticMixes.Blocks(tooShort, 500), (_, _) => { })).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Midside_extracts_the_centre_panned_source_and_rejects_mono()
    {
        var centre = SyntheticMixes.Tones(3, gain: 0.03f);
        // Hard-panned sources: one burst train only on the left, another (other times) only on the right.
        var left = SyntheticMixes.Bursts(3, 0.2, seed: 5, channels: 1, gain: 0.3f);
        var right = SyntheticMixes.Bursts(3, 0.33, seed: 6, channels: 1, gain: 0.3f);
        var sidesSource = new AudioBuffer(SyntheticMixes.Rate, [left.Channels[0], right.Channels[0]]);
        var mix = SyntheticMixes.Sum(centre, sidesSource);
        using var midside = SeparatorFactory.MidSide();
        var stems = midside.Separate(mix);
        var score = SeparationMetrics.SiSdr(stems["centre"], centre);
        var baseline = SeparationMetrics.SiSdr(mix, centre);
        Assert.True(score > baseline + 6, $"centre {score:0.0} dB, mixture {baseline:0.0} dB");
        var sides = SeparationMetrics.SiSdr(stems["sides"], sidesSource);
        Assert.True(sides > SeparationMetrics.SiSdr(mix, sidesSource) + 6, $"sides {sides:0.0} dB");

        var error = Assert.Throws<ArgumentException>(() => midside.Separate(mix.ToMono()));
        Assert.Contains("stereo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oracle_ratio_mask_recovers_two_sources_it_is_given()
    {
        var drums = SyntheticMixes.Bursts(3, 0.4, seed: 7);
        var tones = SyntheticMixes.Tones(3);
        var mix = SyntheticMixes.Sum(drums, tones);
        var estimates = IdealRatioMask.Separate(mix, [drums, tones], 2048, 512);
        Assert.True(SeparationMetrics.SiSdr(estimates[0], drums) > 12);
        Assert.True(SeparationMetrics.SiSdr(estimates[1], tones) > 15);
    }

    [Fact]
    public void Too_short_input_and_unknown_methods_are_clear_errors()
    {
        using var hpss = SeparatorFactory.Hpss();
        var error = Assert.Throws<ArgumentException>(() => hpss.Separate(AudioBuffer.Silence(22050, 1, 100)));
        Assert.Contains("too short", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SeparatorFactory.Create("nmf"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeparatorFactory.Hpss(new HpssOptions(Margin: 0.5)));
    }
}
