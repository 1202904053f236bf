using AudioMix.Audio;
using AudioMix.Captions.Mixing;

namespace AudioMix.Captions.Tests.Mixing;

public sealed class CaptionAudioMixerTests
{
    private static AudioBuffer Tone(double seconds, double frequency, double amplitude, int rate = 16_000, int channels = 1)
    {
        var frames = (int)(seconds * rate);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate));
            }
        }

        return new AudioBuffer(rate, data);
    }

    private static double Db(double x) => 10 * Math.Log10(x);

    [Fact]
    public void Wu_mode_draws_the_energy_ratio_within_five_db_and_places_the_shorter_clip_inside()
    {
        var a = Tone(3, 440, 0.3);
        var b = Tone(1, 1000, 0.05);
        var ratios = new List<double>();
        for (var seed = 0; seed < 40; seed++)
        {
            var mix = CaptionAudioMixer.Mix(a, b, new CaptionMixOptions(), seed);
            Assert.Equal(16_000, mix.Audio.SampleRate);
            Assert.Equal(1, mix.Audio.ChannelCount);
            Assert.Equal(a.Frames, mix.Audio.Frames);
            Assert.InRange(mix.RatioDb, -5, 5);
            Assert.Equal(0, mix.FirstOffsetSeconds);
            Assert.InRange(mix.SecondOffsetSeconds, 0, 2);
            Assert.Equal(0, mix.PeakGuardDb);
            // The applied gain realises the drawn ratio: energy(A) / energy(g·B) = 10^(r/10).
            var energyA = CaptionAudioMixer.FrameEnergy(a.Channels[0]);
            var energyB = CaptionAudioMixer.FrameEnergy(b.Channels[0]) * Math.Pow(10, mix.SecondGainDb / 10);
            Assert.Equal(mix.RatioDb, Db(energyA / energyB), 3);
            ratios.Add(mix.RatioDb);
        }

        Assert.True(ratios.Min() < -3 && ratios.Max() > 3, "ratios should spread over ±5 dB");
        Assert.Equal(CaptionAudioMixer.Mix(a, b, new CaptionMixOptions(), 9).Audio.Channels[0], CaptionAudioMixer.Mix(a, b, new CaptionMixOptions(), 9).Audio.Channels[0]);
    }

    [Fact]
    public void Inputs_are_downmixed_resampled_and_capped_at_max_seconds()
    {
        var a = Tone(2.5, 440, 0.2, rate: 44_100, channels: 2);
        var b = Tone(1, 300, 0.2, rate: 22_050);
        var mix = CaptionAudioMixer.Mix(a, b, new CaptionMixOptions { MaxSeconds = 2, SampleRate = 8000 }, 1);
        Assert.Equal(8000, mix.Audio.SampleRate);
        Assert.Equal(1, mix.Audio.ChannelCount);
        Assert.Equal(16_000, mix.Audio.Frames);
    }

    [Fact]
    public void AudioGen_mode_levels_both_clips_and_sets_the_mixture_level()
    {
        var a = Tone(2, 440, 0.5);
        var b = Tone(3, 1000, 0.01);
        for (var seed = 0; seed < 30; seed++)
        {
            var mix = CaptionAudioMixer.Mix(a, b, new CaptionMixOptions { Mode = CaptionMixMode.AudioGen }, seed);
            Assert.Equal(a.Frames, mix.Audio.Frames);
            Assert.Equal(Math.Round(mix.RatioDb), mix.RatioDb);
            Assert.InRange(mix.RatioDb, -5, 4);
            Assert.NotNull(mix.MixLevelDbfs);
            Assert.InRange(mix.MixLevelDbfs!.Value, -35, -16);
            Assert.True(mix.Overlap >= 0.5, $"overlap {mix.Overlap}");
            var rms = 20 * Math.Log10(CaptionAudioMixer.Rms(mix.Audio.Channels[0]));
            Assert.Equal(mix.MixLevelDbfs.Value, rms, 1);
            // Both clips were brought to the same RMS before the SNR: the level difference of the scaled clips is the SNR.
            var levelA = 20 * Math.Log10(0.5 / Math.Sqrt(2)) + mix.FirstGainDb;
            var levelB = 20 * Math.Log10(0.01 / Math.Sqrt(2)) + mix.SecondGainDb;
            Assert.Equal(mix.RatioDb, levelA - levelB, 1);
        }
    }

    [Theory]
    [InlineData(CaptionMixMode.Wu)]
    [InlineData(CaptionMixMode.AudioGen)]
    public void Loud_mixes_are_guarded_against_clipping_and_the_gain_is_reported(CaptionMixMode mode)
    {
        var a = Tone(1, 440, 0.98);
        var b = Tone(1, 440, 0.98);
        var options = new CaptionMixOptions { Mode = mode, MinMixDbfs = -3, MaxMixDbfs = -1 };
        var guarded = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var mix = CaptionAudioMixer.Mix(a, b, options, seed);
            Assert.True(mix.Audio.Peak() <= 0.99f + 1e-6f, $"peak {mix.Audio.Peak()}");
            Assert.True(mix.PeakGuardDb <= 0);
            guarded += mix.PeakGuardDb < 0 ? 1 : 0;
        }

        Assert.True(guarded > 0, "some of these mixes must have needed the guard");
    }

    [Fact]
    public void Frame_energy_follows_librosa_centred_zero_padded_frames()
    {
        // 1000 samples of 0.5: frames (hop 512, width 2048, centred) = 1 + 1000 / 512 = 2, each window covers
        // every sample (the rest is zero padding), so each squared frame RMS is 1000·0.25 / 2048.
        var x = Enumerable.Repeat(0.5f, 1000).ToArray();
        Assert.Equal(1000 * 0.25 / 2048, CaptionAudioMixer.FrameEnergy(x), 12);
        // A long constant signal: interior frames dominate, energy → 0.25.
        Assert.Equal(0.25, CaptionAudioMixer.FrameEnergy(Enumerable.Repeat(0.5f, 512_000).ToArray()), 3);
    }

    [Fact]
    public void Silent_or_empty_inputs_are_handled()
    {
        var silent = AudioBuffer.Silence(16_000, 1, 16_000);
        var mix = CaptionAudioMixer.Mix(Tone(1, 440, 0.3), silent, new CaptionMixOptions(), 0);
        Assert.Equal(0, mix.SecondGainDb);
        Assert.Throws<ArgumentException>(() => CaptionAudioMixer.Mix(Tone(1, 440, 0.3), AudioBuffer.Silence(16_000, 1, 0), new CaptionMixOptions(), 0));
        Assert.Throws<ArgumentException>(() => CaptionAudioMixer.Mix(silent, silent, new CaptionMixOptions { SampleRate = 10 }, 0));
    }
}
