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
}
