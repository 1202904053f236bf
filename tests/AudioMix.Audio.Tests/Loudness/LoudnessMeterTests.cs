using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Tests.Loudness;

public sealed class LoudnessMeterTests
{
    [Fact]
    public void K_weighting_derived_at_48_kHz_reproduces_the_coefficients_published_in_BS_1770_4()
    {
        // ITU-R BS.1770-4 Annex 1, Table 1 (stage 1) and Table 2 (stage 2).
        var shelf = KWeighting.Shelf(48000);
        Assert.Equal(1.53512485958697, shelf.B0, 1e-9);
        Assert.Equal(-2.69169618940638, shelf.B1, 1e-9);
        Assert.Equal(1.19839281085285, shelf.B2, 1e-9);
        Assert.Equal(-1.69065929318241, shelf.A1, 1e-9);
        Assert.Equal(0.73248077421585, shelf.A2, 1e-9);

        var highPass = KWeighting.HighPass(48000);
        Assert.Equal((1.0, -2.0, 1.0), (highPass.B0, highPass.B1, highPass.B2));
        Assert.Equal(-1.99004745483398, highPass.A1, 1e-9);
        Assert.Equal(0.99007225036621, highPass.A2, 1e-9);
    }

    [Theory]
    [InlineData(44100, 0.01)]
    [InlineData(48000, 0.01)]
    [InlineData(96000, 0.015)]
    [InlineData(16000, 0.05)] // the bilinear transform warps the 1.68 kHz shelf noticeably at 16 kHz
    public void K_weighting_gain_at_1_kHz_cancels_the_minus_0_691_offset(int rate, double tolerance)
    {
        // The −0.691 in BS.1770 exists so that a 1 kHz tone reads its RMS level; K-weighting adds ≈ +0.691 dB there.
        var gainDb = 20 * Math.Log10(KWeighting.Magnitude(rate, 1000));
        Assert.Equal(0.691, gainDb, tolerance);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(16000)]
    public void A_stereo_1_kHz_sine_at_minus_23_dBFS_reads_minus_23_LUFS(int rate)
    {
        // EBU Tech 3341 test case 1.
        var tone = TestSignals.Sine(1000, rate, 20, -23);
        var result = LoudnessMeter.Measure(new AudioBuffer(rate, [tone, (float[])tone.Clone()]));
        Assert.Equal(-23.0, result.IntegratedLufs, 0.1);
    }

    [Fact]
    public void A_minus_20_dBFS_1_kHz_sine_reads_minus_23_LUFS_mono_and_minus_20_LUFS_stereo()
    {
        var tone = TestSignals.Sine(1000, 48000, 5, -20);
        var mono = LoudnessMeter.Measure(new AudioBuffer(48000, [tone]));
        var stereo = LoudnessMeter.Measure(new AudioBuffer(48000, [tone, tone]));
        Assert.Equal(-23.01, mono.IntegratedLufs, 0.05);
        Assert.Equal(-20.0, stereo.IntegratedLufs, 0.05);
        Assert.Equal(0.1, mono.SamplePeak, 1e-4);
        Assert.Equal(-20.0, mono.SamplePeakDbfs, 0.01);
    }

    [Fact]
    public void The_relative_gate_ignores_quiet_passages_EBU_Tech_3341_case_3()
    {
        // 10 s at −36 dBFS, 60 s at −23 dBFS, 10 s at −36 dBFS (stereo, 1 kHz) → −23.0 LUFS.
        const int rate = 48000;
        var x = TestSignals.Concat(
            TestSignals.Sine(1000, rate, 10, -36), TestSignals.Sine(1000, rate, 60, -23), TestSignals.Sine(1000, rate, 10, -36));
        Assert.Equal(-23.0, LoudnessMeter.Measure(new AudioBuffer(rate, [x, x])).IntegratedLufs, 0.1);
    }

    [Fact]
    public void Both_gates_EBU_Tech_3341_case_4()
    {
        // −72, −36, −23, −36, −72 dBFS for 10, 10, 60, 10, 10 s → −23.0 LUFS.
        const int rate = 48000;
        var x = TestSignals.Concat(
            TestSignals.Sine(1000, rate, 10, -72), TestSignals.Sine(1000, rate, 10, -36), TestSignals.Sine(1000, rate, 60, -23),
            TestSignals.Sine(1000, rate, 10, -36), TestSignals.Sine(1000, rate, 10, -72));
        Assert.Equal(-23.0, LoudnessMeter.Measure(new AudioBuffer(rate, [x, x])).IntegratedLufs, 0.1);
    }

    [Fact]
    public void Gating_EBU_Tech_3341_case_5()
    {
        // 20 s at −26, 20.1 s at −20, 20 s at −26 dBFS → −23.0 LUFS.
        const int rate = 48000;
        var x = TestSignals.Concat(
            TestSignals.Sine(1000, rate, 20, -26), TestSignals.Sine(1000, rate, 20.1, -20), TestSignals.Sine(1000, rate, 20, -26));
        Assert.Equal(-23.0, LoudnessMeter.Measure(new AudioBuffer(rate, [x, x])).IntegratedLufs, 0.1);
    }

    [Fact]
    public void The_absolute_gate_makes_silence_and_near_silence_minus_infinity()
    {
        var silence = LoudnessMeter.Measure(AudioBuffer.Silence(48000, 2, 48000 * 3));
        Assert.Equal(double.NegativeInfinity, silence.IntegratedLufs);
        Assert.Equal(0, silence.SamplePeak);
        Assert.Equal(double.NegativeInfinity, silence.SamplePeakDbfs);

        // A −80 dBFS tone is below the −70 LUFS absolute gate everywhere.
        var faint = TestSignals.Sine(1000, 48000, 3, -80);
        Assert.Equal(double.NegativeInfinity, LoudnessMeter.Measure(new AudioBuffer(48000, [faint, faint])).IntegratedLufs);

        // Silence around a 5 s tone does not dilute it (ungated it would read −27.8): only the 47 blocks inside
        // the tone plus the 2 × 3 blocks straddling its edges (3/4, 2/4, 1/4 of its energy, all above both
        // gates) count, so the mean is 50/53 of the tone's energy: −23 + 10·log10(50/53) = −23.253 LUFS.
        var rate = 48000;
        var gappy = TestSignals.Concat(TestSignals.Silence(rate, 5), TestSignals.Sine(1000, rate, 5, -23), TestSignals.Silence(rate, 5));
        var tone = TestSignals.Sine(1000, rate, 5, -23);
        var toneAlone = LoudnessMeter.Measure(new AudioBuffer(rate, [tone, tone])).IntegratedLufs;
        Assert.Equal(toneAlone + (10 * Math.Log10(50.0 / 53)), LoudnessMeter.Measure(new AudioBuffer(rate, [gappy, gappy])).IntegratedLufs, 0.005);
    }

    [Fact]
    public void Input_shorter_than_one_block_is_measured_as_a_single_block()
    {
        // Documented choice: < 400 ms → the whole input is one gating block (libebur128/ffmpeg give −∞).
        var tone = TestSignals.Sine(1000, 48000, 0.3, -23);
        var result = LoudnessMeter.Measure(new AudioBuffer(48000, [tone, tone]));
        Assert.Equal(-23.0, result.IntegratedLufs, 0.15);

        Assert.Equal(double.NegativeInfinity, LoudnessMeter.Measure(AudioBuffer.Silence(48000, 2, 0)).IntegratedLufs);
        Assert.Equal(double.NegativeInfinity, LoudnessMeter.Measure(AudioBuffer.Silence(48000, 2, 9000)).IntegratedLufs);
        Assert.Equal(double.NegativeInfinity, new LoudnessMeter(48000, 1).GetResult().IntegratedLufs);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(11025)] // 100 ms = 1102.5 samples: blocks of unequal length
    public void Streaming_with_random_block_sizes_equals_measuring_the_whole_buffer_bit_for_bit(int rate)
    {
        var left = TestSignals.Concat(TestSignals.PinkNoise(rate, 3, -25, 1), TestSignals.Silence(rate, 1), TestSignals.PinkNoise(rate, 2.37, -40, 2));
        var right = TestSignals.PinkNoise(rate, left.Length / (double)rate, -30, 3);
        var whole = new AudioBuffer(rate, [left, right]);
        var expected = LoudnessMeter.Measure(whole);

        var rng = new Random(7);
        var meter = new LoudnessMeter(rate, 2);
        var pos = 0;
        while (pos < whole.Frames)
        {
            var n = Math.Min(rng.Next(3) switch { 0 => rng.Next(0, 3), 1 => rng.Next(1, 500), _ => rng.Next(500, 20000) }, whole.Frames - pos);
            meter.Add(whole.Slice(pos, n));
            pos += n;
        }

        var streamed = meter.GetResult();
        Assert.Equal(expected.IntegratedLufs, streamed.IntegratedLufs);
        Assert.Equal(expected.SamplePeak, streamed.SamplePeak);
        Assert.True(double.IsFinite(expected.IntegratedLufs));
    }

    [Fact]
    public void Sample_peak_is_the_largest_magnitude_over_all_channels()
    {
        var a = new float[48000];
        var b = new float[48000];
        a[100] = 0.5f;
        b[30000] = -0.75f;
        var result = LoudnessMeter.Measure(new AudioBuffer(48000, [a, b]));
        Assert.Equal(0.75, result.SamplePeak, 1e-7);
        Assert.Equal(20 * Math.Log10(0.75), result.SamplePeakDbfs, 1e-6);
    }

    [Fact]
    public void In_5_1_the_LFE_is_excluded_and_surrounds_weigh_1_41()
    {
        const int rate = 48000;
        var tone = TestSignals.Sine(1000, rate, 3, -20);
        AudioBuffer Only(int channel)
        {
            var channels = new float[6][];
            for (var c = 0; c < 6; c++)
            {
                channels[c] = c == channel ? tone : new float[tone.Length];
            }

            return new AudioBuffer(rate, channels);
        }

        var left = LoudnessMeter.Measure(Only(0)).IntegratedLufs;
        Assert.Equal(left, LoudnessMeter.Measure(Only(2)).IntegratedLufs, 1e-9);
        Assert.Equal(double.NegativeInfinity, LoudnessMeter.Measure(Only(3)).IntegratedLufs);
        Assert.Equal(left + (10 * Math.Log10(1.41)), LoudnessMeter.Measure(Only(4)).IntegratedLufs, 1e-9);
        Assert.Equal(left + (10 * Math.Log10(1.41)), LoudnessMeter.Measure(Only(5)).IntegratedLufs, 1e-9);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        Assert.Contains("must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new LoudnessMeter(0, 2)).Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new LoudnessMeter(48000, 0)).Message);
        var meter = new LoudnessMeter(48000, 2);
        Assert.Contains("44100", Assert.Throws<ArgumentException>(() => meter.Add(AudioBuffer.Silence(44100, 2, 10))).Message);
        Assert.Contains("1 channels", Assert.Throws<ArgumentException>(() => meter.Add(AudioBuffer.Silence(48000, 1, 10))).Message);
    }
}
