using System.Diagnostics;
using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Tests.Codecs;

/// <summary>Encodes a stereo sine (440 Hz left, 660 Hz right, amplitude 0.5, 1 s at 44.1 kHz) with the ffmpeg CLI once per class.</summary>
public sealed class FfmpegFixture : IDisposable
{
    public const int Rate = 44100;
    public const float Amplitude = 0.5f;
    public static readonly double[] Frequencies = [440, 660];

    public FfmpegFixture()
    {
        Source = Signals.Sines(Rate, 1.0, Amplitude, Frequencies);
        SourceWav = Dir.File("source.wav");
        using (var writer = WavWriter.Create(SourceWav, Rate, 2, WavSampleFormat.Pcm16))
        {
            writer.Write(Source);
        }

        foreach (var (ext, codec) in new[] { ("mp3", "libmp3lame"), ("flac", "flac"), ("opus", "libopus"), ("m4a", "aac"), ("ogg", "libvorbis") })
        {
            Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", SourceWav, "-c:a", codec, Encoded(ext));
        }

        LongFlac = Dir.File("long.flac");
        Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=300:d=60:sample_rate=8000", LongFlac);
    }

    internal TempDir Dir { get; } = new();

    public AudioBuffer Source { get; }

    public string SourceWav { get; }

    public string LongFlac { get; }

    public string Encoded(string ext) => Dir.File("sine." + ext);

    /// <summary>Runs a tool and fails the test (never skips) when it is missing or fails.</summary>
    public static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {err}");
    }

    public void Dispose() => Dir.Dispose();
}

public sealed class FfmpegCodecTests(FfmpegFixture fx) : IClassFixture<FfmpegFixture>
{
    private static void AssertSines(AudioBuffer decoded, double tolerance, double maxResidual)
    {
        Assert.Equal(2, decoded.ChannelCount);
        var start = (int)(0.2 * decoded.SampleRate);
        var length = (int)(0.6 * decoded.SampleRate);
        for (var c = 0; c < 2; c++)
        {
            var (amplitude, residual) = Signals.FitSine(decoded.Channels[c].AsSpan(start, length), FfmpegFixture.Frequencies[c], decoded.SampleRate);
            Assert.True(Math.Abs(amplitude - FfmpegFixture.Amplitude) <= tolerance * FfmpegFixture.Amplitude, $"channel {c}: amplitude {amplitude:F4}");
            Assert.True(residual <= maxResidual, $"channel {c}: residual {residual:F4} of the signal is not the {FfmpegFixture.Frequencies[c]} Hz sine");
        }
    }

    [Theory]
    [InlineData("mp3", 44100)]
    [InlineData("flac", 44100)]
    [InlineData("opus", 48000)] // Opus always decodes at 48 kHz
    [InlineData("m4a", 44100)]
    [InlineData("ogg", 44100)]
    public void Compressed_files_decode_with_rate_channels_duration_and_the_sines_intact(string ext, int rate)
    {
        var decoded = AudioFile.Read(fx.Encoded(ext));
        Assert.Equal(rate, decoded.SampleRate);
        Assert.Equal(2, decoded.ChannelCount);
        Assert.InRange(decoded.Duration, 0.97, 1.06);
        var lossless = ext == "flac";
        AssertSines(decoded, tolerance: lossless ? 0.001 : 0.08, maxResidual: lossless ? 0.001 : 0.05);
    }

    [Theory]
    [InlineData("mp3", "mp3", "mp3", 44100)]
    [InlineData("flac", "flac", "flac", 44100)]
    [InlineData("opus", "ogg", "opus", 48000)]
    [InlineData("m4a", "m4a", "aac", 44100)]
    [InlineData("ogg", "ogg", "vorbis", 44100)]
    public void Probe_reports_container_codec_rate_channels_and_frames(string ext, string container, string codec, int rate)
    {
        var info = AudioFile.Probe(fx.Encoded(ext));
        Assert.Equal(container, info.Container);
        Assert.Equal(codec, info.Codec);
        Assert.Equal(rate, info.SampleRate);
        Assert.Equal(2, info.Channels);
        Assert.InRange(info.Duration, 0.97, 1.07);
        if (ext == "flac")
        {
            Assert.Equal(16, info.BitsPerSample);
            Assert.Equal(44100, info.Frames);
        }
    }

    [Fact]
    public void Flac_decodes_bit_exact_against_the_pcm16_source()
    {
        var pcm = AudioFile.Read(fx.SourceWav);
        var flac = AudioFile.Read(fx.Encoded("flac"));
        Assert.Equal(pcm.Frames, flac.Frames);
        Assert.Equal(pcm.Channels[0], flac.Channels[0]);
        Assert.Equal(pcm.Channels[1], flac.Channels[1]);
    }

    [Fact]
    public void Block_wise_decoding_equals_reading_the_whole_file()
    {
        var whole = AudioFile.Read(fx.Encoded("mp3"));
        using var reader = AudioFile.OpenRead(fx.Encoded("mp3"));
        Assert.IsType<FfmpegDecoder>(reader);
        var block = new float[333 * 2];
        var frames = 0;
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(whole.Channels[0][frames + i], block[2 * i]);
                Assert.Equal(whole.Channels[1][frames + i], block[(2 * i) + 1]);
            }

            frames += n;
        }

        Assert.Equal(whole.Frames, frames);
        Assert.Equal(0, reader.Read(block));
    }

    [Fact]
    public void Decoding_a_long_file_streams_with_bounded_memory()
    {
        using var decoder = FfmpegDecoder.Open(fx.LongFlac);
        var block = new float[4096];
        long frames = 0;
        double sumSquares = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        int n;
        while ((n = decoder.Read(block)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                sumSquares += block[i] * (double)block[i];
            }

            frames += n;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(8000 * 60, frames);
        Assert.InRange(Math.Sqrt(sumSquares / frames), 0.125 / Math.Sqrt(2) * 0.99, 0.125 / Math.Sqrt(2) * 1.01); // lavfi sine: 1/8 full scale
        Assert.True(allocated < 256 * 1024, $"decoding 1.9 MB of samples allocated {allocated} bytes on the reading thread");
    }

    [Fact]
    public void Decoder_resamples_and_downmixes_on_request()
    {
        using var decoder = FfmpegDecoder.Open(fx.Encoded("flac"), sampleRate: 16000, channels: 1);
        Assert.Equal(16000, decoder.Info.SampleRate);
        Assert.Equal(1, decoder.Info.Channels);
        Assert.Equal(16000, decoder.Info.Frames);
        var buffer = new float[4096];
        var all = new List<float>();
        int n;
        while ((n = decoder.Read(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Assert.InRange(all.Count, 15990, 16010);

        // ffmpeg's default stereo → mono matrix takes each side at −3 dB: both sines survive at 0.5 × 0.707.
        var mono = all.ToArray().AsSpan(3200, 9600);
        Assert.InRange(Signals.FitSine(mono, 440, 16000).Amplitude, 0.345, 0.362);
        Assert.InRange(Signals.FitSine(mono, 660, 16000).Amplitude, 0.345, 0.362);
    }

    [Fact]
    public void Format_is_sniffed_from_magic_bytes_not_the_extension()
    {
        var wavNamedMp3 = fx.Dir.File("actually-wav.mp3");
        File.Copy(fx.SourceWav, wavNamedMp3, overwrite: true);
        using (var r = AudioFile.OpenRead(wavNamedMp3))
        {
            Assert.IsType<WavReader>(r);
        }

        Assert.Equal("wav", AudioFile.Probe(wavNamedMp3).Container);

        var flacNamedWav = fx.Dir.File("actually-flac.wav");
        File.Copy(fx.Encoded("flac"), flacNamedWav, overwrite: true);
        using (var r = AudioFile.OpenRead(flacNamedWav))
        {
            Assert.IsType<FfmpegDecoder>(r);
        }

        Assert.Equal("flac", AudioFile.Probe(flacNamedWav).Codec);
        Assert.Equal(AudioFile.Read(fx.SourceWav).Channels[1], AudioFile.Read(flacNamedWav).Channels[1]);
    }

    [Fact]
    public async Task Wav_piped_from_ffmpeg_with_unknown_sizes_streams_through_WavReader()
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=1000:d=2:sample_rate=22050", "-ac", "2", "-c:a", "pcm_s24le", "-f", "wav", "pipe:1" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        AudioBuffer buffer;
        using (var reader = new WavReader(p.StandardOutput.BaseStream, "ffmpeg pipe"))
        {
            Assert.Equal(-1, reader.Info.Frames); // a pipe: sizes are 0xFFFFFFFF and the length is unknown
            Assert.Equal(WavSampleFormat.Pcm24, reader.SampleFormat);
            buffer = reader.ReadToEnd();
        }

        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Equal(44100, buffer.Frames);
        // lavfi's sine is 1/8 full scale; ffmpeg's mono → stereo upmix puts it in each side at −3 dB.
        Assert.InRange(Signals.FitSine(buffer.Channels[1].AsSpan(1000, 20000), 1000, 22050).Amplitude, 0.125 * 0.7, 0.125 * 0.715);
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm8, 1)]
    [InlineData(WavSampleFormat.Pcm16, 2)]
    [InlineData(WavSampleFormat.Pcm24, 6)]
    [InlineData(WavSampleFormat.Pcm32, 3)]
    [InlineData(WavSampleFormat.Float32, 2)]
    [InlineData(WavSampleFormat.Float64, 8)]
    public void Ffmpeg_decodes_our_wav_files_to_exactly_what_WavReader_reads(WavSampleFormat format, int channels)
    {
        var path = fx.Dir.File($"ours-{format}-{channels}.wav");
        var freqs = Enumerable.Range(0, channels).Select(c => 200.0 + (100 * c)).ToArray();
        AudioFile.Write(path, Signals.Sines(24000, 0.25, 0.9f, freqs), format);
        var ours = AudioFile.Read(path);
        AudioBuffer theirs;
        using (var decoder = FfmpegDecoder.Open(path))
        {
            Assert.Equal(channels, decoder.Info.Channels);
            Assert.Equal(24000, decoder.Info.SampleRate);
            theirs = AudioReadingTestAccess.ReadAll(decoder);
        }

        Assert.Equal(ours.Frames, theirs.Frames);
        for (var c = 0; c < channels; c++)
        {
            Assert.Equal(ours.Channels[c], theirs.Channels[c]);
        }
    }

    [Theory]
    [InlineData("flac", WavSampleFormat.Pcm16)]
    [InlineData("flac", WavSampleFormat.Pcm24)]
    [InlineData("mp3", WavSampleFormat.Pcm16)]
    [InlineData("ogg", WavSampleFormat.Pcm16)]
    [InlineData("opus", WavSampleFormat.Pcm16)]
    [InlineData("m4a", WavSampleFormat.Pcm16)]
    public void AudioFile_write_encodes_through_ffmpeg(string ext, WavSampleFormat format)
    {
        var path = fx.Dir.File($"written-{format}.{ext}");
        AudioFile.Write(path, fx.Source, format);
        var back = AudioFile.Read(path);
        if (ext == "flac")
        {
            // Lossless: exactly the WAV quantisation of the same format.
            var wav = fx.Dir.File($"written-{format}.wav");
            AudioFile.Write(wav, fx.Source, format);
            var expected = AudioFile.Read(wav);
            Assert.Equal(expected.Channels[0], back.Channels[0]);
            Assert.Equal(expected.Channels[1], back.Channels[1]);
            Assert.Equal(format == WavSampleFormat.Pcm16 ? 16 : 24, AudioFile.Probe(path).BitsPerSample);
        }
        else
        {
            AssertSines(back, tolerance: 0.08, maxResidual: 0.05);
        }
    }

    [Fact]
    public void Non_audio_and_corrupt_files_raise_AudioFormatException_with_ffprobe_message()
    {
        var garbage = fx.Dir.File("garbage.mp3");
        var bytes = new byte[4000];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);
        var ex = Assert.Throws<AudioFormatException>(() => AudioFile.Read(garbage));
        Assert.Contains(garbage, ex.Message, StringComparison.Ordinal);
        Assert.Contains("ffprobe cannot read it as audio", ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, ex.SourceName);

        var text = fx.Dir.File("notes.wav");
        File.WriteAllText(text, "just some text, certainly not a RIFF header\n");
        ex = Assert.Throws<AudioFormatException>(() => AudioFile.Probe(text));
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(text));
    }

    private string FakeTool(string name, string script)
    {
        var path = fx.Dir.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake-ffmpeg tests use POSIX shell scripts.");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Ffmpeg_failure_during_decode_reports_its_stderr()
    {
        var fake = FakeTool("failing-ffmpeg", "echo 'Header missing: Invalid data found when processing input' >&2; exit 1");
        using var _ = ExternalTools.Override(fake, "ffprobe");
        using var decoder = AudioFile.OpenRead(fx.Encoded("mp3"));
        var ex = Assert.Throws<AudioFormatException>(() => decoder.Read(new float[1024]));
        Assert.Contains(fx.Encoded("mp3"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Header missing: Invalid data found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_ending_inside_a_frame_is_an_error_not_a_partial_result()
    {
        var fake = FakeTool("short-ffmpeg", "head -c 20 /dev/zero; exit 0"); // 2.5 stereo float frames
        using var _ = ExternalTools.Override(fake, "ffprobe");
        using var decoder = AudioFile.OpenRead(fx.Encoded("flac"));
        var ex = Assert.Throws<AudioFormatException>(() => decoder.Read(new float[1024]));
        Assert.Contains("ended inside a frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Megabytes_of_stderr_do_not_deadlock_the_decoder()
    {
        // 1 MB on stderr before any audio: a reader that only drained stdout would hang here.
        var fake = FakeTool("chatty-ffmpeg", "yes 'warning: something odd' | head -c 1000000 >&2; head -c 80000 /dev/zero; exit 0");
        using var _ = ExternalTools.Override(fake, "ffprobe");
        using var decoder = AudioFile.OpenRead(fx.Encoded("flac"));
        var frames = 0;
        var block = new float[2000];
        int n;
        while ((n = decoder.Read(block)) > 0)
        {
            frames += n;
        }

        Assert.Equal(10_000, frames);
    }

    [Fact]
    public void Missing_ffmpeg_raises_ExternalToolException_with_an_install_hint()
    {
        using (ExternalTools.Override("/nonexistent-audiomix/bin/ffmpeg", null))
        {
            // ffprobe is looked for beside the overridden ffmpeg, so both are missing.
            var ex = Assert.Throws<ExternalToolException>(() => AudioFile.Read(fx.Encoded("mp3")));
            Assert.Contains("apt-get install ffmpeg", ex.Message, StringComparison.Ordinal);
            Assert.Contains("/nonexistent-audiomix/bin/ffprobe", ex.Message, StringComparison.Ordinal);
            Assert.Throws<ExternalToolException>(() => AudioFile.Probe(fx.Encoded("ogg")));
            ex = Assert.Throws<ExternalToolException>(() => AudioFile.Write(fx.Dir.File("nope.flac"), fx.Source));
            Assert.Contains("/nonexistent-audiomix/bin/ffmpeg", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(fx.Dir.File("nope.flac")));

            // WAV needs no external tool at all.
            Assert.Equal(44100, AudioFile.Read(fx.SourceWav).Frames);
        }

        using (ExternalTools.Override("/nonexistent-audiomix/ffmpeg", "ffprobe"))
        {
            var ex = Assert.Throws<ExternalToolException>(() => FfmpegDecoder.Open(fx.Encoded("flac")));
            Assert.Contains("Cannot run '/nonexistent-audiomix/ffmpeg'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install ffmpeg", ex.Message, StringComparison.Ordinal);
        }

        // The override is scoped: the real tools work again.
        Assert.Equal(2, AudioFile.Probe(fx.Encoded("mp3")).Channels);
    }

    [Fact]
    public void Encoder_failure_is_reported_with_ffmpeg_stderr_and_leaves_no_file()
    {
        var path = Path.Combine(fx.Dir.Path, "no-such-dir", "x.mp3");
        var ex = Assert.Throws<ExternalToolException>(() => AudioFile.Write(path, fx.Source));
        Assert.Contains("ffmpeg failed to encode", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => AudioFile.Write(fx.Dir.File("x.xyz"), fx.Source));
    }

    [Fact]
    public void Disposing_mid_stream_kills_ffmpeg_and_leaves_no_zombie()
    {
        var decoder = FfmpegDecoder.Open(fx.LongFlac);
        Assert.Equal(8000 * 60, decoder.Info.Frames);
        Assert.Equal(1000, decoder.Read(new float[1000]));
        var pid = decoder.ProcessId;
        Assert.True(Directory.Exists($"/proc/{pid}"), "ffmpeg should still be running (60 s of audio, 1000 frames read)");
        var sw = Stopwatch.StartNew();
        decoder.Dispose();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {sw.Elapsed}");

        // Killed and reaped: no /proc entry, not even a zombie ('Z' state).
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        var state = File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : "gone";
        Assert.Equal("gone", state);
        Assert.Throws<ObjectDisposedException>(() => decoder.Read(new float[2]));
    }
}

internal static class AudioReadingTestAccess
{
    public static AudioBuffer ReadAll(IAudioStreamReader reader) => AudioReading.ReadAll(reader, -1, null);
}
