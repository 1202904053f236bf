using System.Diagnostics;
using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Tests.Codecs;

/// <summary>ffprobe/ffmpeg run under a deadline and a longest duration: a stalling input or an overlong one is refused by name.</summary>
public sealed class DecodeLimitsTests(FfmpegFixture fx) : IClassFixture<FfmpegFixture>
{
    [Fact]
    public void An_input_that_stalls_the_decoder_is_refused_by_name_within_the_timeout()
    {
        using var dir = new TempDir();
        var fifo = dir.File("stalled.mp3");
        FfmpegFixture.Run("mkfifo", fifo);
        // A writer that sends the start of an MP3 (an ID3 header) and then nothing, holding the pipe open (the braces keep
        // the write end open through the sleep; without them ffprobe would see end-of-file at once): ffprobe
        // waits for the rest for ever — the shape of a stalled upload, a hung network mount or a decoder stuck on a file.
        using var writer = Process.Start(new ProcessStartInfo("sh", ["-c", $"{{ printf 'ID3\\004\\000\\000\\000\\000\\000\\020'; sleep 60; }} > '{fifo}'"]) { UseShellExecute = false })!;
        try
        {
            var limits = new DecodeLimits(TimeSpan.FromSeconds(2), 3600);
            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<AudioFormatException>(() => FfmpegDecoder.Open(fifo, limits: limits));
            clock.Stop();

            Assert.Contains(fifo, ex.Message, StringComparison.Ordinal);
            Assert.True(ex.InnerException is TimeoutException, ex.Message);
            Assert.Contains("AudioMix:Decoding:TimeoutSeconds", ex.Message, StringComparison.Ordinal);
            // Two seconds of waiting plus killing the child; far from "for ever".
            Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 15);
        }
        finally
        {
            writer.Kill(entireProcessTree: true);
            writer.WaitForExit();
        }
    }

    [Fact]
    public void Audio_declared_longer_than_the_limit_is_refused_before_decoding()
    {
        // The 60 s FLAC states its length; the WAV's header does.
        var limits = new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 30);
        var flac = Assert.Throws<AudioFormatException>(() => FfmpegDecoder.Open(fx.LongFlac, limits: limits));
        Assert.Contains(fx.LongFlac, flac.Message, StringComparison.Ordinal);
        Assert.Contains("over the limit of 30 s (AudioMix:Decoding:MaxItemSeconds)", flac.Message, StringComparison.Ordinal);

        var wav = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(fx.SourceWav, new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 0.5)));
        Assert.Contains(fx.SourceWav, wav.Message, StringComparison.Ordinal);
        Assert.Contains("AudioMix:Decoding:MaxItemSeconds", wav.Message, StringComparison.Ordinal);

        // Within the limits both open as before.
        using (AudioFile.OpenRead(fx.LongFlac, new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 61)))
        using (AudioFile.OpenRead(fx.SourceWav, new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 1.5)))
        {
        }
    }

    /// <summary>A mono 44.1 kHz MP3 of <paramref name="seconds"/> of sine at <paramref name="bitrate"/>, no Xing header and no ID3 tag.</summary>
    private static void Mp3(string path, double seconds, string bitrate) =>
        FfmpegFixture.Run(
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}", "-ar", "44100", "-ac", "1",
            "-b:a", bitrate, "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", path);

    private static long ReadToEnd(FfmpegDecoder decoder)
    {
        var buffer = new float[4096 * decoder.Info.Channels];
        long frames = 0;
        int got;
        while ((got = decoder.Read(buffer)) > 0)
        {
            frames += got;
        }

        return frames;
    }

    [Fact]
    public void A_decoder_that_stalls_after_the_probe_is_stopped_at_the_deadline_and_the_read_fails_by_name()
    {
        using var dir = new TempDir();
        var mp3 = dir.File("whole.mp3");
        Mp3(mp3, 5, "64k");
        var fifo = dir.File("stalls.mp3");
        FfmpegFixture.Run("mkfifo", fifo);
        // ffprobe gets the whole file (its writer then ends), ffmpeg the first 20 kB and then nothing with the pipe held
        // open: the probe succeeds and the decoder waits for the rest for ever, unless the deadline stops it.
        using var writer = Process.Start(new ProcessStartInfo("sh", ["-c", $"cat '{mp3}' > '{fifo}' 2>/dev/null; {{ head -c 20000 '{mp3}'; sleep 60; }} > '{fifo}'"]) { UseShellExecute = false })!;
        try
        {
            var limits = new DecodeLimits(TimeSpan.FromSeconds(2), 3600);
            using var decoder = FfmpegDecoder.Open(fifo, limits: limits);
            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<AudioFormatException>(() => ReadToEnd(decoder));
            clock.Stop();

            Assert.Contains(fifo, ex.Message, StringComparison.Ordinal);
            Assert.Contains("ffmpeg did not finish within 2 s (AudioMix:Decoding:TimeoutSeconds)", ex.Message, StringComparison.Ordinal);
            Assert.True(ex.InnerException is TimeoutException, ex.Message);
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 15);
        }
        finally
        {
            writer.Kill(entireProcessTree: true);
            writer.WaitForExit();
        }
    }

    [Fact]
    public void Audio_that_decodes_longer_than_its_container_declares_is_refused_once_it_passes_the_limit()
    {
        using var dir = new TempDir();
        // 1 s at 320 kb/s, then 20 s at 32 kb/s, no Xing header: ffprobe estimates the length from the first frames'
        // bitrate and the file size (≈ 3.8 s), ffmpeg decodes all 21 s.
        var high = dir.File("high.mp3");
        var low = dir.File("low.mp3");
        Mp3(high, 1, "320k");
        Mp3(low, 20, "32k");
        var understated = dir.File("understated.mp3");
        File.WriteAllBytes(understated, [.. File.ReadAllBytes(high), .. File.ReadAllBytes(low)]);

        using (var decoder = FfmpegDecoder.Open(understated, limits: new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 10)))
        {
            Assert.InRange(decoder.Info.Duration, 1, 10); // declared within the limit: the probe lets it through
            var ex = Assert.Throws<AudioFormatException>(() => ReadToEnd(decoder));
            Assert.Contains(understated, ex.Message, StringComparison.Ordinal);
            Assert.Contains("over the limit of 10 s (AudioMix:Decoding:MaxItemSeconds)", ex.Message, StringComparison.Ordinal);
            Assert.InRange(decoder.FramesRead, 0, 10 * 44100);
        }

        // With room for it, all of it decodes: the refusal above was the limit, not a broken file.
        using (var decoder = FfmpegDecoder.Open(understated, limits: new DecodeLimits(TimeSpan.FromSeconds(60), MaxSeconds: 30)))
        {
            Assert.InRange(ReadToEnd(decoder) / 44100.0, 20.5, 21.5);
        }
    }
}

