using System.Buffers.Binary;
using System.Text;
using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Tests.Codecs;

public sealed class WavWriterTests
{
    private static byte[] WriteToBytes(AudioBuffer buffer, WavSampleFormat format)
    {
        var ms = new MemoryStream();
        using (var writer = new WavWriter(ms, buffer.SampleRate, buffer.ChannelCount, format, leaveOpen: true))
        {
            writer.Write(buffer);
        }

        return ms.ToArray();
    }

    private static AudioBuffer RoundTrip(AudioBuffer buffer, WavSampleFormat format)
    {
        using var reader = new WavReader(new MemoryStream(WriteToBytes(buffer, format)));
        Assert.Equal(format, reader.SampleFormat);
        Assert.Equal(buffer.Frames, reader.Info.Frames);
        return reader.ReadToEnd();
    }

    private static double MaxError(AudioBuffer a, AudioBuffer b)
    {
        Assert.Equal(a.ChannelCount, b.ChannelCount);
        Assert.Equal(a.Frames, b.Frames);
        Assert.Equal(a.SampleRate, b.SampleRate);
        double max = 0;
        for (var c = 0; c < a.ChannelCount; c++)
        {
            for (var i = 0; i < a.Frames; i++)
            {
                max = Math.Max(max, Math.Abs((double)a.Channels[c][i] - b.Channels[c][i]));
            }
        }

        return max;
    }

    /// <summary>Noise over the full range plus the extremes ±1 and tiny values, in 2 channels.</summary>
    private static AudioBuffer TestSignal()
    {
        var b = Signals.Noise(44100, 20_000, 2, 1f, seed: 3);
        b.Channels[0][0] = 1f;
        b.Channels[0][1] = -1f;
        b.Channels[1][0] = 1e-9f;
        b.Channels[1][1] = -0.99999994f;
        return b;
    }

    [Theory]
    [InlineData(WavSampleFormat.Float32, 0.0)]
    [InlineData(WavSampleFormat.Float64, 0.0)]
    [InlineData(WavSampleFormat.Pcm32, 1.0 / 33554432)] // only float32's own rounding (2^-25) remains
    [InlineData(WavSampleFormat.Pcm24, 1.0 / 8388608)]
    [InlineData(WavSampleFormat.Pcm16, 1.0 / 32768)]
    [InlineData(WavSampleFormat.Pcm8, 1.0 / 128)]
    public void Round_trip_error_is_within_one_quantisation_step(WavSampleFormat format, double tolerance)
    {
        var source = TestSignal();
        var back = RoundTrip(source, format);
        var error = MaxError(source, back);
        Assert.True(error <= tolerance, $"{format}: max error {error:E3} > {tolerance:E3}");
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16)]
    [InlineData(WavSampleFormat.Pcm24)]
    public void Interior_samples_round_to_nearest_within_half_a_step(WavSampleFormat format)
    {
        // Away from +1 (where the positive range is one step short) the error is at most half a step.
        var source = Signals.Noise(8000, 10_000, 1, 0.999f, seed: 11);
        var step = format == WavSampleFormat.Pcm16 ? 1.0 / 32768 : 1.0 / 8388608;
        var error = MaxError(source, RoundTrip(source, format));
        Assert.True(error <= (step / 2) + 1e-12, $"max error {error:E3} > half step {step / 2:E3}");
    }

    [Fact]
    public void Pcm_clips_to_full_scale_rounds_ties_to_even_and_maps_NaN_to_zero()
    {
        float[] input = [1.5f, -2f, float.NaN, 0.5f / 32768, 1.5f / 32768, 0.7f / 32768, -0.7f / 32768, float.PositiveInfinity, 1f];
        var ms = new MemoryStream();
        using (var writer = new WavWriter(ms, 8000, 1, WavSampleFormat.Pcm16, leaveOpen: true))
        {
            writer.Write(input);
        }

        var data = ms.ToArray().AsSpan(44);
        var raw = new short[input.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]);
        }

        Assert.Equal(new short[] { 32767, -32768, 0, 0, 2, 1, -1, 32767, 32767 }, raw);
    }

    [Fact]
    public void Pcm8_and_pcm24_encode_the_expected_bytes()
    {
        float[] input = [0f, -1f, 1f, 0.5f];
        var pcm8 = WriteToBytes(AudioBuffer.FromInterleaved(input, 1, 8000), WavSampleFormat.Pcm8);
        Assert.Equal(new byte[] { 128, 0, 255, 192 }, pcm8.AsSpan(44, 4).ToArray());
        var pcm24 = WriteToBytes(AudioBuffer.FromInterleaved(input, 1, 8000), WavSampleFormat.Pcm24);
        var data = pcm24.AsSpan(pcm24.Length - 12).ToArray();
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0x80, 0xFF, 0xFF, 0x7F, 0, 0, 0x40 }, data);
    }

    [Fact]
    public void Pcm16_stereo_header_is_the_canonical_44_bytes()
    {
        var bytes = WriteToBytes(Signals.Sines(22050, 0.02, 0.5f, 100, 200), WavSampleFormat.Pcm16);
        var frames = 441;
        Assert.Equal(44 + (frames * 4), bytes.Length);
        var h = bytes.AsSpan();
        Assert.Equal("RIFF", Encoding.ASCII.GetString(h[..4]));
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]));
        Assert.Equal("WAVEfmt ", Encoding.ASCII.GetString(h[8..16]));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(h[16..]));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(h[20..]));    // WAVE_FORMAT_PCM
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(h[22..]));
        Assert.Equal(22050u, BinaryPrimitives.ReadUInt32LittleEndian(h[24..]));
        Assert.Equal(22050u * 4, BinaryPrimitives.ReadUInt32LittleEndian(h[28..])); // byte rate
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(h[32..]));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(h[34..]));
        Assert.Equal("data", Encoding.ASCII.GetString(h[36..40]));
        Assert.Equal((uint)(frames * 4), BinaryPrimitives.ReadUInt32LittleEndian(h[40..]));
    }

    [Fact]
    public void Float_gets_a_fact_chunk_and_multichannel_or_24_bit_gets_extensible()
    {
        var f = WriteToBytes(Signals.Sines(8000, 0.01, 0.5f, 100), WavSampleFormat.Float32);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(20)));
        Assert.Equal("fact", Encoding.ASCII.GetString(f, 12 + 8 + 18, 4));
        Assert.Equal(80u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(12 + 8 + 18 + 8)));

        var six = WriteToBytes(Signals.Sines(48000, 0.01, 0.5f, 1, 2, 3, 4, 5, 6), WavSampleFormat.Pcm16);
        Assert.Equal(0xFFFE, BinaryPrimitives.ReadUInt16LittleEndian(six.AsSpan(20)));
        Assert.Equal(40u, BinaryPrimitives.ReadUInt32LittleEndian(six.AsSpan(16)));
        Assert.Equal(0x3Fu, BinaryPrimitives.ReadUInt32LittleEndian(six.AsSpan(20 + 20))); // 5.1 speaker mask
        using var reader = new WavReader(new MemoryStream(six));
        Assert.Equal(6, reader.Info.Channels);

        var p24 = WriteToBytes(Signals.Sines(48000, 0.01, 0.5f, 1), WavSampleFormat.Pcm24);
        Assert.Equal(0xFFFE, BinaryPrimitives.ReadUInt16LittleEndian(p24.AsSpan(20)));
    }

    [Fact]
    public void Odd_data_size_gets_a_pad_byte_not_counted_in_the_data_size()
    {
        var bytes = WriteToBytes(AudioBuffer.FromInterleaved([0.1f, 0.2f, 0.3f], 1, 8000), WavSampleFormat.Pcm8);
        Assert.Equal(44 + 3 + 1, bytes.Length);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        using var reader = new WavReader(new MemoryStream(bytes));
        Assert.Equal(3, reader.ReadToEnd().Frames);
    }

    [Fact]
    public void Non_seekable_output_keeps_0xFFFFFFFF_sizes_and_reads_back_in_full()
    {
        var source = Signals.Sines(16000, 0.5, 0.25f, 440, 880);
        var pipe = new WriteOnlyStream();
        using (var writer = new WavWriter(pipe, 16000, 2, WavSampleFormat.Float32, leaveOpen: true))
        {
            writer.Write(source);
        }

        var bytes = pipe.Inner.ToArray();
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        var dataSizeAt = bytes.AsSpan().IndexOf("data"u8) + 4;
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(dataSizeAt)));
        foreach (var seekable in new[] { true, false })
        {
            Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes), 1000);
            using var reader = new WavReader(s);
            Assert.Equal(0, MaxError(source, reader.ReadToEnd()));
        }
    }

    [Fact]
    public void Writer_starting_mid_stream_patches_sizes_relative_to_its_start_and_leaves_the_stream_open()
    {
        var ms = new MemoryStream();
        ms.Write("PREFIX"u8);
        var source = Signals.Sines(8000, 0.1, 0.5f, 300);
        using (var writer = new WavWriter(ms, 8000, 1, WavSampleFormat.Pcm16, leaveOpen: true))
        {
            writer.Write(source.Channels[0].AsSpan(0, 300));
            writer.Write(source.Channels[0].AsSpan(300));
        }

        Assert.True(ms.CanWrite);
        ms.Position = 6;
        using var reader = new WavReader(ms);
        Assert.Equal(800, reader.Info.Frames);
        Assert.True(MaxError(source, reader.ReadToEnd()) <= 1.0 / 32768);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var ms = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(ms, 0, 1, WavSampleFormat.Pcm16, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(ms, 8000, 0, WavSampleFormat.Pcm16, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(ms, 8000, 1, (WavSampleFormat)42, true));
        using var writer = new WavWriter(ms, 8000, 2, WavSampleFormat.Pcm16, true);
        Assert.Throws<ArgumentException>(() => writer.Write(new float[3]));
        Assert.Throws<ArgumentException>(() => writer.Write(Signals.Sines(8000, 0.1, 0.5f, 1)));
        Assert.Throws<ArgumentException>(() => writer.Write(Signals.Sines(16000, 0.1, 0.5f, 1, 2)));
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16)]
    [InlineData(WavSampleFormat.Pcm24)]
    [InlineData(WavSampleFormat.Float32)]
    public void AudioFile_write_then_read_round_trips_through_disk(WavSampleFormat format)
    {
        using var dir = new TempDir();
        var path = dir.File("x.wav");
        var source = Signals.Sines(32000, 0.3, 0.7f, 500, 700, 900);
        AudioFile.Write(path, source, format);
        var info = AudioFile.Probe(path);
        Assert.Equal(new AudioStreamInfo("wav", WavSampleCodec.CodecName(format), 32000, 3, source.Frames, WavSampleCodec.BytesPerSample(format) * 8), info);
        Assert.Equal(0.3, info.Duration, 6);
        using (var reader = AudioFile.OpenRead(path))
        {
            Assert.IsType<WavReader>(reader);
        }

        var back = AudioFile.Read(path);
        var tolerance = format == WavSampleFormat.Float32 ? 0 : format == WavSampleFormat.Pcm16 ? 1.0 / 32768 : 1.0 / 8388608;
        Assert.True(MaxError(source, back) <= tolerance);
    }
}
