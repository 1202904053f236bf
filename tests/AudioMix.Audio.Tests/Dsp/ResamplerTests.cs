using AudioMix.Audio.Dsp;

namespace AudioMix.Audio.Tests.Dsp;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(44100, 16000, 160, 441)]
    [InlineData(48000, 44100, 147, 160)]
    [InlineData(8000, 48000, 6, 1)]
    [InlineData(22050, 16000, 320, 441)]
    [InlineData(384000, 44100, 147, 1280)]
    public void The_ratio_is_reduced_by_the_gcd_of_the_rates(int inRate, int outRate, int l, int m)
    {
        var bank = PolyphaseFilterBank.Get(inRate, outRate, ResamplerQuality.High);
        Assert.Equal((l, m), (bank.L, bank.M));
        Assert.False(bank.Interpolated);
    }

    [Theory]
    [InlineData(44100, 16000, 0)]
    [InlineData(44100, 16000, 1)]
    [InlineData(44100, 16000, 441)]
    [InlineData(44100, 16000, 1000)]
    [InlineData(48000, 44100, 12345)]
    [InlineData(8000, 48000, 7)]
    [InlineData(22050, 16000, 22051)]
    [InlineData(16000, 44100, 3)]
    [InlineData(44100, 48001, 4410)]
    public void Output_length_is_the_ceiling_of_frames_times_the_ratio(int inRate, int outRate, int frames)
    {
        var output = Resampler.Resample(AudioBuffer.Silence(inRate, 2, frames), outRate, ResamplerQuality.Fast);
        Assert.Equal((int)Math.Ceiling((double)frames * outRate / inRate), output.Frames);
        Assert.Equal(outRate, output.SampleRate);
        Assert.Equal(2, output.ChannelCount);
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 44100)]
    [InlineData(8000, 48000)]
    [InlineData(22050, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(44100, 48001)]
    public void An_impulse_lands_at_the_same_time_in_the_output(int inRate, int outRate)
    {
        foreach (var t in new[] { 0, 1, 777, 2000, 4999 })
        {
            var x = new float[5000];
            x[t] = 1;
            var y = Resampler.Resample(new AudioBuffer(inRate, [x]), outRate).Channels[0];
            var peakAt = 0;
            for (var i = 1; i < y.Length; i++)
            {
                if (y[i] > y[peakAt])
                {
                    peakAt = i;
                }
            }

            var expected = (double)t * outRate / inRate;
            Assert.True(Math.Abs(peakAt - expected) <= 1, $"impulse at input {t} peaks at output {peakAt}, expected {expected:0.00}");
        }
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(16000, 48000)]
    public void A_tone_burst_onset_is_time_aligned(int inRate, int outRate)
    {
        // A 500 Hz burst starting at 0.25 s: the output envelope crosses half amplitude within a sample of 0.25 s.
        var frames = inRate / 2;
        var x = SignalMath.Sine(500, inRate, frames);
        Array.Clear(x, 0, inRate / 4);
        var y = Resampler.Resample(new AudioBuffer(inRate, [x]), outRate).Channels[0];
        var onset = outRate / 4;
        var expected = SignalMath.Sine(500, outRate, y.Length);
        Array.Clear(expected, 0, onset);

        // Away from the onset (where band-limiting rings) the output is the continuing sine.
        for (var i = onset + 200; i < y.Length - 400; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) < 1e-4, $"sample {i}: {y[i]} vs {expected[i]}");
        }

        for (var i = 0; i < onset - 200; i++)
        {
            Assert.True(Math.Abs(y[i]) < 1e-4, $"pre-onset sample {i} = {y[i]}");
        }
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 44100)]
    [InlineData(8000, 48000)]
    [InlineData(44100, 48001)]
    public void Dc_gain_is_one(int inRate, int outRate)
    {
        foreach (var quality in Enum.GetValues<ResamplerQuality>())
        {
            var x = new float[inRate / 5];
            Array.Fill(x, 0.5f);
            var y = Resampler.Resample(new AudioBuffer(inRate, [x]), outRate, quality).Channels[0];
            for (var i = y.Length / 4; i < 3 * y.Length / 4; i++)
            {
                Assert.True(Math.Abs(y[i] - 0.5f) < 1e-6, $"{quality} sample {i} = {y[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(44100, 16000, ResamplerQuality.High)]
    [InlineData(48000, 44100, ResamplerQuality.Balanced)]
    [InlineData(8000, 48000, ResamplerQuality.High)]
    [InlineData(22050, 16000, ResamplerQuality.Fast)]
    [InlineData(44100, 48001, ResamplerQuality.High)]
    [InlineData(44100, 44100, ResamplerQuality.High)]
    public void Streaming_with_random_block_sizes_equals_the_one_shot_result_bit_for_bit(int inRate, int outRate, ResamplerQuality quality)
    {
        var rng = new Random(42);
        var frames = Math.Max(inRate / 3, 70000); // > one internal chunk of the one-shot path
        var left = new float[frames];
        var right = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            left[i] = (float)(rng.NextDouble() - 0.5);
            right[i] = (float)Math.Sin(i * 0.01);
        }

        var whole = new AudioBuffer(inRate, [left, right]);
        var expected = Resampler.Resample(whole, outRate, quality);

        var resampler = new Resampler(inRate, outRate, 2, quality);
        var got = new List<float>[] { [], [] };
        var pos = 0;
        while (pos < frames)
        {
            // Mostly small blocks, some empty, some single frames, some large.
            var n = rng.Next(4) switch { 0 => 0, 1 => 1, 2 => rng.Next(1, 64), _ => rng.Next(64, 5000) };
            n = Math.Min(n, frames - pos);
            Append(got, resampler.Process(whole.Slice(pos, n)));
            pos += n;
        }

        Append(got, resampler.Flush());
        Assert.Equal(expected.Channels[0], got[0].ToArray());
        Assert.Equal(expected.Channels[1], got[1].ToArray());

        // After Flush the instance starts a fresh stream.
        var again = resampler.Process(whole);
        var tail = resampler.Flush();
        Assert.Equal(expected.Channels[0], again.Channels[0].Concat(tail.Channels[0]).ToArray());
    }

    [Fact]
    public void A_stream_of_blocks_resamples_to_the_one_shot_result_and_passes_through_at_the_same_rate()
    {
        var tone = SignalMath.Sine(440, 22050, 30000, 0.5);
        var whole = new AudioBuffer(22050, [tone, tone]);
        var blocks = new[] { whole.Slice(0, 7000), whole.Slice(7000, 0), whole.Slice(7000, 23000) };
        var streamed = AudioBuffer.Concat([.. Resampler.Stream(blocks, 44100)]);
        Assert.Equal(Resampler.Resample(whole, 44100).Channels[1], streamed.Channels[1]);

        var same = Resampler.Stream(blocks, 22050).ToList();
        Assert.Equal(2, same.Count); // the empty block is dropped, the others are the same instances
        Assert.Same(blocks[0], same[0]);
        Assert.Same(blocks[2], same[1]);

        var mixed = Assert.Throws<ArgumentException>(() => Resampler.Stream([blocks[0], AudioBuffer.Silence(16000, 2, 10)], 44100).ToList());
        Assert.Contains("16000", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stereo_channels_are_processed_independently()
    {
        var tone = SignalMath.Sine(1000, 44100, 22050, 0.5);
        var stereo = Resampler.Resample(new AudioBuffer(44100, [tone, new float[tone.Length]]), 16000);
        var mono = Resampler.Resample(new AudioBuffer(44100, [tone]), 16000);
        Assert.Equal(mono.Channels[0], stereo.Channels[0]);
        Assert.All(stereo.Channels[1], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Equal_rates_copy_the_samples()
    {
        var input = new AudioBuffer(16000, [SignalMath.Sine(440, 16000, 1000)]);
        var output = Resampler.Resample(input, 16000);
        Assert.NotSame(input.Channels[0], output.Channels[0]);
        Assert.Equal(input.Channels[0], output.Channels[0]);
    }

    [Theory]
    [InlineData(0, 16000)]
    [InlineData(-44100, 16000)]
    [InlineData(44100, 0)]
    [InlineData(44100, -1)]
    public void Non_positive_rates_are_rejected_with_a_clear_message(int inRate, int outRate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(inRate, outRate, 1));
        Assert.Contains("must be positive", ex.Message);
        Assert.Equal(inRate <= 0 ? "inputRate" : "outputRate", ex.ParamName);
    }

    [Fact]
    public void Resample_rejects_a_non_positive_output_rate()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(AudioBuffer.Silence(16000, 1, 10), 0));
        Assert.Contains("Output sample rate must be positive", ex.Message);
    }

    [Fact]
    public void Blocks_with_the_wrong_rate_or_channel_count_are_rejected()
    {
        var resampler = new Resampler(44100, 16000, 2);
        var rate = Assert.Throws<ArgumentException>(() => resampler.Process(AudioBuffer.Silence(48000, 2, 10)));
        Assert.Contains("48000", rate.Message);
        var channels = Assert.Throws<ArgumentException>(() => resampler.Process(AudioBuffer.Silence(44100, 1, 10)));
        Assert.Contains("1 channels", channels.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(44100, 16000, 0));
    }

    [Fact]
    public void Extreme_rates_up_to_384_kHz_work()
    {
        var input = new AudioBuffer(384000, [SignalMath.Sine(1000, 384000, 38400)]);
        var down = Resampler.Resample(input, 8000, ResamplerQuality.Fast);
        Assert.Equal(800, down.Frames);
        var (amp, _) = SignalMath.FitTone(down.Channels[0], 8000, 1000, 200, 400);
        Assert.InRange(amp, 0.999, 1.001);

        var up = Resampler.Resample(down, 383999, ResamplerQuality.Fast); // coprime rates: interpolated phases
        Assert.Equal((int)Math.Ceiling(800 * 383999 / 8000.0), up.Frames);
        var (amp2, _) = SignalMath.FitTone(up.Channels[0], 383999, 1000, 10000, 18000);
        Assert.InRange(amp2, 0.998, 1.002);
    }

    private static void Append(List<float>[] dest, AudioBuffer block)
    {
        for (var c = 0; c < dest.Length; c++)
        {
            dest[c].AddRange(block.Channels[c]);
        }
    }
}
