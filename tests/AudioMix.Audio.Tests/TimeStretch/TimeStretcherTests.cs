using AudioMix.Audio.Dsp.TimeStretch;

namespace AudioMix.Audio.Tests.TimeStretch;

public sealed class TimeStretcherTests
{
    private const int Rate = 44100;

    private static AudioBuffer Mono(float[] x, int rate = Rate) => new(rate, [x]);

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.05, 44100)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.25, 12345)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 4.0, 4410)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.94, 3)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.5, 1)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.0 / 3, 1000)]
    [InlineData(TimeStretchMethod.Wsola, 1.05, 44100)]
    [InlineData(TimeStretchMethod.Wsola, 0.25, 12345)]
    [InlineData(TimeStretchMethod.Wsola, 4.0, 4410)]
    [InlineData(TimeStretchMethod.Wsola, 0.94, 3)]
    [InlineData(TimeStretchMethod.Wsola, 1.5, 1)]
    [InlineData(TimeStretchMethod.Wsola, 1.0 / 3, 1000)]
    public void Output_length_is_exactly_the_rounded_stretched_length(TimeStretchMethod method, double ratio, int frames)
    {
        var input = new AudioBuffer(Rate, [StretchSignals.Sine(300, Rate, frames), StretchSignals.Sine(500, Rate, frames)]);
        var output = TimeStretcher.Stretch(input, ratio, method);
        Assert.Equal((int)Math.Round(frames * ratio, MidpointRounding.AwayFromZero), output.Frames);
        Assert.Equal(2, output.ChannelCount);
        Assert.Equal(Rate, output.SampleRate);
        Assert.All(output.Channels, ch => Assert.All(ch, v => Assert.True(float.IsFinite(v))));
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder, 440, 0.5)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 440, 0.94)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 440, 1.06)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1234.5, 1.5)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 97, 2.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 3000, 0.3)]
    [InlineData(TimeStretchMethod.Wsola, 440, 0.94)]
    [InlineData(TimeStretchMethod.Wsola, 440, 1.06)]
    [InlineData(TimeStretchMethod.Wsola, 1234.5, 1.25)]
    [InlineData(TimeStretchMethod.Wsola, 150, 0.8)]
    public void A_sine_keeps_its_frequency_and_level(TimeStretchMethod method, double frequency, double ratio)
    {
        var x = StretchSignals.Sine(frequency, Rate, 2 * Rate);
        var y = TimeStretcher.Stretch(Mono(x), ratio, method).Channels[0];
        var start = Rate / 10;
        var end = y.Length - (Rate / 10);
        var f = StretchSignals.ZeroCrossingFrequency(y, Rate, start, end);
        var error = Math.Abs(f - frequency) / frequency;
        var levelDb = 20 * Math.Log10(StretchSignals.Rms(y, start, end) / StretchSignals.Rms(x, start, x.Length - start));
        Report($"{method} f={frequency} ratio={ratio}: freq error {error:P4}, level {levelDb:F3} dB");
        Assert.True(error < 0.005, $"frequency {f:F3} Hz vs {frequency} Hz ({error:P3})");
        Assert.True(Math.Abs(levelDb) < 1, $"level changed by {levelDb:F2} dB");
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.06)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.94)]
    [InlineData(TimeStretchMethod.Wsola, 1.06)]
    public void Gated_tone_notes_keep_pitch_and_level_through_onset_handling(TimeStretchMethod method, double ratio)
    {
        // 440 Hz notes, 200 ms on / 50 ms off: every note start is an onset (phase resets in the PV).
        const int on = Rate / 5;
        const int cycle = Rate / 4;
        var x = StretchSignals.Sine(440, Rate, 2 * Rate);
        for (var i = 0; i < x.Length; i++)
        {
            if (i % cycle >= on)
            {
                x[i] = 0;
            }
        }

        var y = TimeStretcher.Stretch(Mono(x), ratio, method).Channels[0];
        for (var note = 0; note < 8; note++)
        {
            // The middle 60 % of each stretched note.
            var start = (int)(((note * cycle) + (0.2 * on)) * ratio);
            var end = (int)(((note * cycle) + (0.8 * on)) * ratio);
            var f = StretchSignals.ZeroCrossingFrequency(y, Rate, start, end);
            var levelDb = 20 * Math.Log10(StretchSignals.Rms(y, start, end) / (0.5 / Math.Sqrt(2)));
            Report($"{method} ratio={ratio} note {note}: {f:F2} Hz, level {levelDb:F2} dB");
            Assert.True(Math.Abs(f - 440) / 440 < 0.005, $"note {note}: {f:F2} Hz");
            Assert.True(Math.Abs(levelDb) < 1, $"note {note}: level {levelDb:F2} dB");
        }
    }

    [Fact]
    public void A_sine_at_16k_keeps_its_frequency()
    {
        const int rate = 16000;
        var x = StretchSignals.Sine(330, rate, 2 * rate);
        foreach (var method in new[] { TimeStretchMethod.PhaseVocoder, TimeStretchMethod.Wsola })
        {
            var y = TimeStretcher.Stretch(Mono(x, rate), 1.1, method).Channels[0];
            var f = StretchSignals.ZeroCrossingFrequency(y, rate, rate / 10, y.Length - (rate / 10));
            Assert.True(Math.Abs(f - 330) / 330 < 0.005, $"{method}: {f:F3} Hz");
        }
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.06, 1.0, 3.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.94, 1.0, 3.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.5, 3.0, 8.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.7, 3.0, 8.0)]
    [InlineData(TimeStretchMethod.Wsola, 1.06, 1.0, 3.0)]
    [InlineData(TimeStretchMethod.Wsola, 0.94, 1.0, 3.0)]
    [InlineData(TimeStretchMethod.Wsola, 1.5, 3.0, 8.0)]
    [InlineData(TimeStretchMethod.Wsola, 0.7, 3.0, 8.0)]
    public void A_click_train_comes_out_with_the_stretched_period(
        TimeStretchMethod method, double ratio, double maxMeanIoiErrorMs, double maxPositionErrorMsBound)
    {
        var period = (int)(0.25 * Rate);
        var first = Rate / 10;
        var x = StretchSignals.Clicks(4 * Rate, first, period);
        var y = TimeStretcher.Stretch(Mono(x), ratio, method).Channels[0];
        var env = StretchSignals.Envelope(y, Rate);
        var expectedPeriod = period * ratio;
        var positions = new List<int>();
        var expected = new List<double>();
        for (var t = (double)first; t < x.Length; t += period)
        {
            var c = (int)Math.Round(t * ratio);
            var lo = Math.Max(0, c - (int)(expectedPeriod / 2));
            var hi = Math.Min(y.Length, c + (int)(expectedPeriod / 2));
            if (hi - lo > expectedPeriod * 0.9)
            {
                positions.Add(StretchSignals.EnvelopePeak(env, lo, hi));
                expected.Add(t * ratio);
            }
        }

        var ioiErrors = positions.Zip(positions.Skip(1), (a, b) => Math.Abs(b - a - expectedPeriod)).ToList();
        var meanIoiErrorMs = ioiErrors.Average() * 1000 / Rate;
        var meanPeriodErrorMs = Math.Abs(((positions[^1] - positions[0]) / (double)(positions.Count - 1)) - expectedPeriod) * 1000 / Rate;
        var maxPositionErrorMs = positions.Select((p, i) => Math.Abs(p - expected[i])).Max() * 1000 / Rate;
        Report($"{method} ratio={ratio}: {positions.Count} clicks, mean |IOI error| {meanIoiErrorMs:F3} ms, mean period error {meanPeriodErrorMs:F3} ms, max position error {maxPositionErrorMs:F3} ms");
        Assert.True(positions.Count >= 14);
        Assert.True(meanPeriodErrorMs < 0.1, $"mean period off by {meanPeriodErrorMs:F3} ms");
        // Frame-based TSM places each click to within about a hop·|1 − 1/ratio|, so single IOIs jitter more
        // at large ratios; near 1 (tempo matching) the brief's 1 ms holds per interval on average.
        Assert.True(meanIoiErrorMs < maxMeanIoiErrorMs, $"mean |IOI error| {meanIoiErrorMs:F3} ms");
        Assert.True(maxPositionErrorMs < maxPositionErrorMsBound, $"a click is {maxPositionErrorMs:F3} ms off");
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.06, 0.0, 5.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.94, 0.0, 5.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.06, 0.003, 5.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.94, 0.003, 5.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 1.25, 0.003, 5.0)]
    [InlineData(TimeStretchMethod.PhaseVocoder, 0.8, 0.003, 5.0)]
    [InlineData(TimeStretchMethod.Wsola, 1.06, 0.0, 15.0)]
    [InlineData(TimeStretchMethod.Wsola, 0.94, 0.0, 15.0)]
    [InlineData(TimeStretchMethod.Wsola, 1.06, 0.003, 15.0)]
    [InlineData(TimeStretchMethod.Wsola, 0.94, 0.003, 15.0)]
    public void A_single_click_stays_short_and_strong(TimeStretchMethod method, double ratio, double background, double maxWidthMs)
    {
        // Six click positions relative to the frame grid; a quiet tone (−50 dB) optionally underneath.
        foreach (var offset in new[] { 0, 77, 123, 200, 300, 400 })
        {
            var x = StretchSignals.Clicks(Rate, (Rate / 2) + offset, 10 * Rate);
            var tone = StretchSignals.Sine(330, Rate, Rate, background);
            for (var i = 0; i < x.Length; i++)
            {
                x[i] += tone[i];
            }

            var y = TimeStretcher.Stretch(Mono(x), ratio, method).Channels[0];
            var width = StretchSignals.EnvelopeWidth(y, Rate);
            var peak = y.Max(Math.Abs);
            Report($"{method} ratio={ratio} bg={background} offset={offset}: -20 dB width {width * 1000:F2} ms, peak {peak:F3}");
            Assert.True(width * 1000 < maxWidthMs, $"offset {offset}: click spread over {width * 1000:F1} ms");
            Assert.True(peak > 0.5, $"offset {offset}: click peak fell to {peak:F3}");
        }
    }

    [Fact]
    public void Phase_reset_keeps_a_click_over_a_tone_sharp()
    {
        var x = StretchSignals.Clicks(Rate, (Rate / 2) + 123, 10 * Rate);
        var tone = StretchSignals.Sine(330, Rate, Rate, 0.003);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += tone[i];
        }

        var outFrames = (int)Math.Round(x.Length * 1.06);
        var plain = PhaseVocoder.Stretch([x], Rate, 1.06, outFrames, transientReset: false)[0];
        var reset = PhaseVocoder.Stretch([x], Rate, 1.06, outFrames, transientReset: true)[0];
        Report($"click peak without reset {plain.Max(Math.Abs):F3}, with reset {reset.Max(Math.Abs):F3}; widths {StretchSignals.EnvelopeWidth(plain, Rate) * 1000:F2} / {StretchSignals.EnvelopeWidth(reset, Rate) * 1000:F2} ms");
        Assert.True(reset.Max(Math.Abs) > 2 * plain.Max(Math.Abs));
        Assert.True(StretchSignals.EnvelopeWidth(reset, Rate) < StretchSignals.EnvelopeWidth(plain, Rate) / 2);
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder)]
    [InlineData(TimeStretchMethod.Wsola)]
    public void Identical_channels_stay_identical_and_runs_are_deterministic(TimeStretchMethod method)
    {
        var rng = new Random(42);
        var x = new float[Rate];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(0.3 * ((rng.NextDouble() * 2) - 1)) + (i % 11025 == 0 ? 0.9f : 0f);
        }

        var input = new AudioBuffer(Rate, [x, (float[])x.Clone()]);
        var a = TimeStretcher.Stretch(input, 1.05, method);
        var b = TimeStretcher.Stretch(input, 1.05, method);
        Assert.Equal(a.Channels[0], a.Channels[1]);
        Assert.Equal(a.Channels[0], b.Channels[0]);
        Assert.Equal(input.Channels[0], x); // input untouched
    }

    [Fact]
    public void Wsola_keeps_different_channels_sample_aligned()
    {
        // Left carries a click train, right the same clicks plus a tone: offsets are chosen on the sum,
        // so the clicks must land on the same output sample in both channels.
        var period = Rate / 4;
        var left = StretchSignals.Clicks(2 * Rate, Rate / 10, period);
        var tone = StretchSignals.Sine(220, Rate, 2 * Rate, 0.05);
        var right = left.Zip(tone, (a, b) => a + b).ToArray();
        var y = TimeStretcher.Stretch(new AudioBuffer(Rate, [left, right]), 0.9, TimeStretchMethod.Wsola);
        var diff = y.Channels[1].Zip(y.Channels[0], (r, l) => r - l).ToArray();
        // What remains after subtracting left is only the stretched tone: no click residue.
        Assert.True(diff.Max(Math.Abs) < 0.06, $"residue {diff.Max(Math.Abs):F3}");
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder)]
    [InlineData(TimeStretchMethod.Wsola)]
    public void A_ratio_within_one_millionth_of_one_returns_a_copy(TimeStretchMethod method)
    {
        var input = Mono(StretchSignals.Sine(440, Rate, 1000));
        var output = TimeStretcher.Stretch(input, 1 + 5e-7, method);
        Assert.NotSame(input, output);
        Assert.NotSame(input.Channels[0], output.Channels[0]);
        Assert.Equal(input.Channels[0], output.Channels[0]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(0.2499)]
    [InlineData(4.0001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Ratios_outside_the_supported_range_are_rejected(double ratio)
    {
        var input = Mono(new float[100]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TimeStretcher.Stretch(input, ratio));
        Assert.Equal("ratio", e.ParamName);
        Assert.Contains("between 0.25 and 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_input_and_unknown_methods_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => TimeStretcher.Stretch(null!, 1.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeStretcher.Stretch(Mono(new float[10]), 1.1, (TimeStretchMethod)7));
    }

    [Theory]
    [InlineData(TimeStretchMethod.PhaseVocoder)]
    [InlineData(TimeStretchMethod.Wsola)]
    public void Empty_and_very_short_inputs_are_handled(TimeStretchMethod method)
    {
        var empty = TimeStretcher.Stretch(new AudioBuffer(Rate, [[], []]), 1.3, method);
        Assert.Equal(0, empty.Frames);
        Assert.Equal(2, empty.ChannelCount);

        var one = TimeStretcher.Stretch(Mono([0.5f]), 0.4, method); // round(0.4) = 0 frames
        Assert.Equal(0, one.Frames);

        // Shorter than one analysis frame: zero-padded internally, the content survives.
        var shortIn = StretchSignals.Sine(1000, Rate, 300);
        var shortOut = TimeStretcher.Stretch(Mono(shortIn), 2.0, method).Channels[0];
        Assert.Equal(600, shortOut.Length);
        Assert.All(shortOut, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 2));
        Assert.True(StretchSignals.Rms(shortOut, 0, 600) > 0.05);
    }
}
