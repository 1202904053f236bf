using AudioMix.Abstractions.Datasets;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class AudioAnalysisGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Analysis_is_computed_once_per_content_hash()
    {
        // Unique content per run: the grain key is the content hash.
        var clip = TestData.Tone(1000, 48000, 2, 0.5, seed: Random.Shared.Next());
        var bytes = TestData.Wav(clip);
        var hash = TestData.Sha256Hex(bytes);
        var key = $"analysis/{TestData.NewKey("a")}.wav";
        await using (var content = new MemoryStream(bytes))
        {
            await fixture.Store.WriteAsync(key, content);
        }

        var grain = fixture.Client.GetGrain<IAudioAnalysisGrain>(hash);
        var first = await grain.GetOrAnalyzeAsync(key, "a.wav");

        Assert.Null(first.Error);
        var a = first.Analysis!;
        Assert.Equal(hash, a.ContentHash);
        Assert.Equal(48000, a.SampleRate);
        Assert.Equal(2, a.Channels);
        Assert.Equal(24000, a.Frames);
        Assert.Equal(0.5, a.Duration, 6);
        Assert.StartsWith("wav/", a.Format, StringComparison.Ordinal);
        Assert.NotNull(a.IntegratedLufs);
        Assert.InRange(a.SamplePeakDbfs!.Value, -11.0, -10.0); // 0.3 + noise ≈ -10.4 dBFS

        // The blob is gone and the second caller names another key: only a cached answer can succeed.
        Assert.True(await fixture.Store.DeleteAsync(key));
        var second = await grain.GetOrAnalyzeAsync($"analysis/{TestData.NewKey("b")}.wav", "b.wav");
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Invalid_audio_gives_an_error_naming_the_file()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"not audio at all {Guid.NewGuid()}");
        var key = $"analysis/{TestData.NewKey("bad")}.wav";
        await using (var content = new MemoryStream(bytes))
        {
            await fixture.Store.WriteAsync(key, content);
        }

        var outcome = await fixture.Client.GetGrain<IAudioAnalysisGrain>(TestData.Sha256Hex(bytes)).GetOrAnalyzeAsync(key, "broken-take.wav");

        Assert.Null(outcome.Analysis);
        Assert.NotNull(outcome.Error);
        Assert.StartsWith("broken-take.wav", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_wav_is_reported_not_thrown()
    {
        var bytes = TestData.Wav(TestData.Tone(440, 16000, 1, 0.2, seed: Random.Shared.Next()));
        var truncated = bytes[..30]; // a RIFF header cut inside the fmt chunk
        var key = $"analysis/{TestData.NewKey("trunc")}.wav";
        await using (var content = new MemoryStream(truncated))
        {
            await fixture.Store.WriteAsync(key, content);
        }

        var outcome = await fixture.Client.GetGrain<IAudioAnalysisGrain>(TestData.Sha256Hex(truncated)).GetOrAnalyzeAsync(key, "cut.wav");
        Assert.Null(outcome.Analysis);
        Assert.Contains("cut.wav", outcome.Error, StringComparison.Ordinal);
    }
}
