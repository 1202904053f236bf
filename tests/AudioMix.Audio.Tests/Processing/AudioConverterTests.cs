using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Loudness;
using AudioMix.Audio.Processing;

namespace AudioMix.Audio.Tests.Processing;

public sealed class AudioConverterTests : IDisposable
{
    private readonly TestSignals _signals = new();

    public void Dispose() => _signals.Dispose();

    [Fact]
    public void Resampling_in_blocks_matches_resampling_the_whole_signal()
    {
        // 200 000 frames: the converter reads 65 536-frame blocks, so the streamed path crosses block edges.
        var source = TestSignals.Sine(44100, 200_000 / 44100.0, 440, 0.5f, channels: 2);
        var input = _signals.Write("in.wav", source);
        var output = Path.Combine(_signals.Folder, "out.wav");

        var report = AudioConverter.Convert(input, output, new ConversionOptions { SampleRate = 16000, SampleFormat = WavSampleFormat.Float32 });

        var expected = Resampler.Resample(source, 16000);
        var actual = AudioFile.Read(output);
        Assert.Equal(16000, actual.SampleRate);
        Assert.Equal(expected.Frames, actual.Frames);
        Assert.Equal(expected.Frames, report.Frames);
        for (var c = 0; c < 2; c++)
        {
            for (var i = 0; i < expected.Frames; i++)
            {
                Assert.True(Math.Abs(expected.Channels[c][i] - actual.Channels[c][i]) < 1e-5f, $"channel {c} frame {i}");
            }
        }
    }

    [Fact]
    public void Loudness_target_is_met_within_a_tenth_of_a_LU_and_reported()
    {
        var input = _signals.Write("quiet.wav", TestSignals.Sine(48000, 3, 1000, 0.05f, channels: 2));
        var output = Path.Combine(_signals.Folder, "loud.wav");

        var report = AudioConverter.Convert(input, output, new ConversionOptions { TargetLufs = -16, SampleFormat = WavSampleFormat.Float32 });

        var measured = LoudnessMeter.Measure(AudioFile.Read(output)).IntegratedLufs;
        Assert.InRange(measured, -16.1, -15.9);
        Assert.InRange(report.OutputLufs, -16.1, -15.9);
        Assert.InRange(report.GainDb, 9.5, 10.5); // 0.05 peak ≈ -26 dBFS ≈ -26 LUFS → +10 dB
        Assert.Equal(0, report.ClippedSamples);
    }

    [Fact]
    public void Peak_ceiling_lowers_the_gain_so_the_peak_stays_under_it()
    {
        var input = _signals.Write("quiet.wav", TestSignals.Sine(48000, 2, 1000, 0.05f));
        var output = Path.Combine(_signals.Folder, "ceiling.wav");

        var report = AudioConverter.Convert(input, output, new ConversionOptions { TargetLufs = -3, PeakCeilingDbfs = -6, SampleFormat = WavSampleFormat.Float32 });

        Assert.True(report.OutputPeakDbfs <= -5.99, $"peak {report.OutputPeakDbfs} dBFS");
        Assert.True(report.OutputLufs < -3.5, "the ceiling, not the target, set the gain");
    }

    [Fact]
    public void Clipping_into_pcm_is_counted_not_hidden()
    {
        var input = _signals.Write("sine.wav", TestSignals.Sine(16000, 1, 500, 0.5f));
        var output = Path.Combine(_signals.Folder, "hot.wav");

        var report = AudioConverter.Convert(input, output, new ConversionOptions { TargetLufs = 0, SampleFormat = WavSampleFormat.Pcm16 });

        Assert.True(report.ClippedSamples > 0);
    }

    [Fact]
    public void Mono_downmix_and_rate_change_combine()
    {
        var input = _signals.Write("stereo.wav", TestSignals.Sine(22050, 1, 300, 0.4f, channels: 2));
        var output = Path.Combine(_signals.Folder, "mono.wav");

        AudioConverter.Convert(input, output, new ConversionOptions { Mono = true, SampleRate = 16000 });

        var info = AudioFile.Probe(output);
        Assert.Equal(1, info.Channels);
        Assert.Equal(16000, info.SampleRate);
        Assert.Equal(16000, info.Frames);
    }

    [Fact]
    public void The_input_is_never_overwritten()
    {
        var input = _signals.Write("keep.wav", TestSignals.Sine(16000, 0.5, 300, 0.4f));
        var before = File.ReadAllBytes(input);

        var ex = Assert.Throws<ArgumentException>(() => AudioConverter.Convert(input, input, new ConversionOptions { SampleRate = 8000 }));

        Assert.Contains("never overwrites", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void A_failed_conversion_leaves_no_output_or_partial_file()
    {
        var input = Path.Combine(_signals.Folder, "broken.wav");
        File.WriteAllBytes(input, "RIFF\x10\0\0\0WAVEjunk"u8.ToArray());
        var output = Path.Combine(_signals.Folder, "never.wav");

        Assert.Throws<AudioFormatException>(() => AudioConverter.Convert(input, output, new ConversionOptions()));

        Assert.Equal(["broken.wav"], Directory.GetFiles(_signals.Folder).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void Normalising_silence_is_refused_with_a_clear_message()
    {
        var input = _signals.Write("silence.wav", AudioBuffer.Silence(16000, 1, 16000));
        var output = Path.Combine(_signals.Folder, "out.wav");

        var ex = Assert.Throws<InvalidOperationException>(() => AudioConverter.Convert(input, output, new ConversionOptions { TargetLufs = -23 }));

        Assert.Contains("silence", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Inspector_reports_exact_frames_loudness_and_peak()
    {
        var input = _signals.Write("tone.wav", TestSignals.Sine(48000, 2, 1000, 0.1f, channels: 2), WavSampleFormat.Pcm24);

        var report = AudioInspector.Inspect(input);

        Assert.Equal(96000, report.Stream.Frames);
        Assert.Equal(2, report.Stream.Channels);
        Assert.InRange(report.IntegratedLufs, -20.1, -19.9); // EBU Tech 3341: 1 kHz stereo sine at -20 dBFS peak → -20 LUFS
        Assert.InRange(report.SamplePeakDbfs, -20.01, -19.99);
    }
}
