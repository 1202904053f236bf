using System.Buffers.Binary;
using System.Text;
using AudioMix.Audio.Codecs;
using static AudioMix.Audio.Tests.Codecs.WavBytes;

namespace AudioMix.Audio.Tests.Codecs;

public sealed class WavReaderTests
{
    private static AudioBuffer ReadAll(byte[] bytes, bool seekable = true)
    {
        Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes), maxChunk: 7);
        using var reader = new WavReader(s);
        return reader.ReadToEnd();
    }

    [Fact]
    public void Pcm8_is_unsigned_with_128_as_zero()
    {
        var bytes = Riff(Fmt(1, 1, 8000, 8), Data([128, 0, 255, 192, 64]));
        using var reader = new WavReader(new MemoryStream(bytes));
        Assert.Equal(WavSampleFormat.Pcm8, reader.SampleFormat);
        Assert.Equal(new AudioStreamInfo("wav", "pcm_u8", 8000, 1, 5, 8), reader.Info);
        Assert.Equal([0f, -1f, 127f / 128, 0.5f, -0.5f], reader.ReadToEnd().Channels[0]);
    }

    [Fact]
    public void Pcm16_scales_by_32768()
    {
        var buffer = ReadAll(Riff(Fmt(1, 1, 16000, 16), Data(Pcm16(0, 16384, -32768, 32767, -1))));
        Assert.Equal([0f, 0.5f, -1f, 32767f / 32768, -1f / 32768], buffer.Channels[0]);
    }

    [Fact]
    public void Pcm24_is_sign_extended()
    {
        byte[] data = [0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x00];
        using var reader = new WavReader(new MemoryStream(Riff(Fmt(1, 1, 48000, 24), Data(data))));
        Assert.Equal(WavSampleFormat.Pcm24, reader.SampleFormat);
        Assert.Equal("pcm_s24le", reader.Info.Codec);
        Assert.Equal([0.5f, -1f, -1f / 8388608, 8388607f / 8388608, 1f / 8388608], reader.ReadToEnd().Channels[0]);
    }

    [Fact]
    public void Pcm32_scales_by_2_pow_31()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 0x40000000);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -0x20000000);
        Assert.Equal([-1f, 0.5f, -0.25f], ReadAll(Riff(Fmt(1, 1, 8000, 32), Data(data))).Channels[0]);
    }

    [Fact]
    public void Float32_and_float64_are_read_unchanged()
    {
        float[] values = [0.25f, -0.75f, 1.5f, float.Epsilon];
        var f32 = new byte[16];
        var f64 = new byte[32];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(i * 4), values[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(i * 8), values[i]);
        }

        using var r32 = new WavReader(new MemoryStream(Riff(Fmt(3, 2, 8000, 32), new Chunk("fact", U32(2)), Data(f32))));
        Assert.Equal(WavSampleFormat.Float32, r32.SampleFormat);
        Assert.Equal("pcm_f32le", r32.Info.Codec);
        Assert.Equal(values, r32.ReadToEnd().ToInterleaved());
        using var r64 = new WavReader(new MemoryStream(Riff(Fmt(3, 2, 8000, 64), Data(f64))));
        Assert.Equal(WavSampleFormat.Float64, r64.SampleFormat);
        Assert.Equal(values, r64.ReadToEnd().ToInterleaved());
    }

    [Fact]
    public void Extensible_pcm_uses_container_size_and_reports_valid_bits()
    {
        // 20 valid bits left-justified in a 24-bit container: 0x400000 is still 0.5.
        byte[] data = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0];
        using var reader = new WavReader(new MemoryStream(Riff(FmtExtensible(2, 96000, 24, 20, 1), Data(data))));
        Assert.Equal(WavSampleFormat.Pcm24, reader.SampleFormat);
        Assert.Equal(20, reader.Info.BitsPerSample);
        Assert.Equal(1, reader.Info.Frames);
        Assert.Equal([0.5f, -0.5f], reader.ReadToEnd().ToInterleaved());
    }

    [Fact]
    public void Extensible_float_sub_format_is_read()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.125f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -0.5f);
        using var reader = new WavReader(new MemoryStream(Riff(FmtExtensible(1, 44100, 32, 32, 3), Data(data))));
        Assert.Equal(WavSampleFormat.Float32, reader.SampleFormat);
        Assert.Equal([0.125f, -0.5f], reader.ReadToEnd().Channels[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Channels_1_to_8_deinterleave_in_order(int channels)
    {
        const int frames = 5;
        var samples = new short[frames * channels];
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < channels; c++)
            {
                samples[(f * channels) + c] = (short)((c * 1000) + f);
            }
        }

        var fmt = channels > 2 ? FmtExtensible(channels, 48000, 16, 16, 1) : Fmt(1, channels, 48000, 16);
        var buffer = ReadAll(Riff(fmt, Data(Pcm16(samples))));
        Assert.Equal(channels, buffer.ChannelCount);
        for (var c = 0; c < channels; c++)
        {
            for (var f = 0; f < frames; f++)
            {
                Assert.Equal(((c * 1000) + f) / 32768f, buffer.Channels[c][f]);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Unknown_and_odd_sized_chunks_around_fmt_and_data_are_skipped(bool seekable)
    {
        var bytes = Riff(
            new Chunk("JUNK", new byte[27]),                          // odd size: pad byte follows
            new Chunk("bext", Encoding.ASCII.GetBytes("a broadcast extension")),
            Fmt(1, 1, 22050, 16),
            new Chunk("fact", U32(3)),
            new Chunk("LIST", Encoding.ASCII.GetBytes("INFOINAM\u0003\0\0\0ab\0")),
            Data(Pcm16(100, -200, 300)),
            new Chunk("cue ", new byte[13]),
            new Chunk("LIST", new byte[5]));
        var buffer = ReadAll(bytes, seekable);
        Assert.Equal([100 / 32768f, -200 / 32768f, 300 / 32768f], buffer.Channels[0]);
        Assert.Equal(22050, buffer.SampleRate);
    }

    [Fact]
    public void Odd_sized_8_bit_data_chunk_with_pad_byte_then_more_chunks()
    {
        var bytes = Riff(Fmt(1, 1, 8000, 8), Data([128, 255, 0]), new Chunk("LIST", new byte[4]));
        Assert.Equal(12 + 24 + 12 + 12, bytes.Length); // RIFF + fmt + data(3 + pad) + LIST
        Assert.Equal([0f, 127f / 128, -1f], ReadAll(bytes).Channels[0]);
    }

    [Fact]
    public void Fmt_after_data_is_found_in_a_seekable_stream()
    {
        var bytes = Riff(Data(Pcm16(1000, 2000)), new Chunk("LIST", new byte[3]), Fmt(1, 1, 8000, 16));
        Assert.Equal([1000 / 32768f, 2000 / 32768f], ReadAll(bytes).Channels[0]);
        var ex = Assert.Throws<AudioFormatException>(() => ReadAll(bytes, seekable: false));
        Assert.Contains("fmt chunk missing before the data chunk", ex.Message);

        // An odd-sized data chunk first: its pad byte must be skipped to find the fmt chunk behind it.
        var odd = Riff(Data([0, 128, 255]), Fmt(1, 1, 8000, 8));
        Assert.Equal([-1f, 0f, 127f / 128], ReadAll(odd).Channels[0]);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, true)]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, false)]
    [InlineData(0u, 0u, true)]
    [InlineData(0u, 0u, false)]
    [InlineData(0u, 36u, false)] // header written before any data and never updated
    [InlineData(0xFFFFFFFFu, 1234u, true)]
    public void Streamed_data_size_reads_to_the_end_of_the_stream(uint dataSize, uint riffSize, bool seekable)
    {
        var bytes = Riff([Fmt(1, 1, 8000, 16), Data(Pcm16(1, 2, 3, 4, 5, 6, 7), dataSize)], riffSize: riffSize);
        Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes), 3);
        using var reader = new WavReader(s);
        Assert.Equal(seekable ? 7 : -1, reader.Info.Frames);
        Assert.Equal(7, reader.ReadToEnd().Frames);
    }

    [Fact]
    public void Empty_data_chunk_followed_by_other_chunks_is_empty_not_streamed()
    {
        var bytes = Riff(Fmt(1, 1, 8000, 16), Data([]), new Chunk("LIST", new byte[10]));
        using var reader = new WavReader(new MemoryStream(bytes));
        Assert.Equal(0, reader.Info.Frames);
        Assert.Equal(0, reader.ReadToEnd().Frames);
    }

    [Fact]
    public void Rf64_takes_the_data_size_from_ds64()
    {
        var ds64 = new byte[28];
        BinaryPrimitives.WriteUInt64LittleEndian(ds64.AsSpan(8), 6); // data size: 3 samples
        BinaryPrimitives.WriteUInt64LittleEndian(ds64.AsSpan(16), 3);
        var bytes = Riff(
            [new Chunk("ds64", ds64), Fmt(1, 1, 8000, 16), Data(Pcm16(5, 6, 7), 0xFFFFFFFF), new Chunk("LIST", new byte[8])],
            riffId: "RF64",
            riffSize: 0xFFFFFFFF);
        using var reader = new WavReader(new MemoryStream(bytes));
        Assert.Equal(3, reader.Info.Frames);
        Assert.Equal([5 / 32768f, 6 / 32768f, 7 / 32768f], reader.ReadToEnd().Channels[0]);
    }

    [Fact]
    public void Read_returns_frames_and_zero_at_the_end_and_ReadToEnd_returns_the_rest()
    {
        var samples = Enumerable.Range(0, 20).Select(i => (short)(i * 100)).ToArray();
        using var reader = new WavReader(new MemoryStream(Riff(Fmt(1, 2, 8000, 16), Data(Pcm16(samples)))));
        var block = new float[6];
        Assert.Equal(3, reader.Read(block));
        Assert.Equal(300 / 32768f, block[3]);
        var rest = reader.ReadToEnd();
        Assert.Equal(7, rest.Frames);
        Assert.Equal(600 / 32768f, rest.Channels[0][0]);
        Assert.Equal(0, reader.Read(block));
        Assert.Throws<ArgumentException>(() => reader.Read(new float[3]));
    }

    [Fact]
    public void Header_only_parse_does_not_read_the_samples()
    {
        var bytes = Riff(Fmt(1, 1, 8000, 16), Data(new byte[100_000]));
        var ms = new MemoryStream(bytes);
        using var reader = new WavReader(ms, leaveOpen: true);
        Assert.Equal(44, ms.Position);
        Assert.Equal(50_000, reader.Info.Frames);
        Assert.Equal(50_000.0 / 8000, reader.Info.Duration);
    }

    [Fact]
    public void Long_file_streams_block_by_block_with_bounded_memory_and_matches_ReadToEnd()
    {
        using var dir = new TempDir();
        var path = dir.File("long.wav");
        const int rate = 16000;
        const int seconds = 200; // 3 min 20 s, 6.4 MB of PCM16 stereo... mono here: 6.4 MB
        var noise = Signals.Noise(rate, rate, 1, 0.8f, seed: 7);
        using (var writer = WavWriter.Create(path, rate, 1, WavSampleFormat.Pcm16))
        {
            for (var s = 0; s < seconds; s++)
            {
                writer.Write(noise);
            }
        }

        AudioBuffer whole;
        using (var r = WavReader.Open(path))
        {
            whole = r.ReadToEnd();
        }

        Assert.Equal(rate * seconds, whole.Frames);
        using var reader = WavReader.Open(path);
        var block = new float[1000 * 1]; // deliberately not a divisor of the internal buffer
        long frames = 0;
        var mismatches = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            var expected = whole.Channels[0].AsSpan((int)frames, n);
            if (!expected.SequenceEqual(block.AsSpan(0, n)))
            {
                mismatches++;
            }

            frames += n;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(whole.Frames, frames);
        Assert.Equal(0, mismatches);

        // 6.4 MB of samples went through; the streaming loop itself must allocate (next to) nothing.
        Assert.True(allocated < 64 * 1024, $"streaming allocated {allocated} bytes");
    }
}
