using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli.Tests;

/// <summary>`audiomix score` in process on generated sources.</summary>
public sealed class ScoreCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-score-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Source(string name, double f0, int partials, double syllableHz, int rate = 16000)
    {
        var samples = new float[rate];
        for (var k = 0; k < samples.Length; k++)
        {
            var t = (double)k / rate;
            double v = 0;
            for (var h = 1; h <= partials; h++)
            {
                v += Math.Sin(2 * Math.PI * f0 * h * t) / h;
            }

            samples[k] = (float)(0.2 * (0.55 + (0.45 * Math.Sin(2 * Math.PI * syllableHz * t))) * v);
        }

        var path = Path.Combine(_folder, name);
        AudioFile.Write(path, new AudioBuffer(rate, [samples]), WavSampleFormat.Float32);
        return path;
    }

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliTests.RunAsync(args);

    [Fact]
    public async Task Json_lists_sources_in_refs_order_with_means_and_frames()
    {
        var a = Source("a.wav", 180, 8, 2.5);
        var b = Source("b.wav", 410, 3, 3.5, rate: 22050);
        var (exit, output, error) = await RunAsync("score", "--refs", a, b, "--outs", b, b, "--encoder", "raw", "--device", "cpu", "--seed", "3", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(["sources"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var sources = json.RootElement.GetProperty("sources").EnumerateArray().ToArray();
        Assert.Equal(2, sources.Length);
        foreach (var source in sources)
        {
            Assert.Equal(["ps", "pm", "frames"], source.EnumerateObject().Select(p => p.Name));
            var frames = source.GetProperty("frames").EnumerateArray().ToArray();
            Assert.Equal(49, frames.Length);
            Assert.Equal(0.0, frames[0].GetProperty("t").GetDouble());
            Assert.Equal(0.02, frames[1].GetProperty("t").GetDouble(), 9);
            Assert.All(frames, f => Assert.Equal(["t", "ps", "pm"], f.EnumerateObject().Select(p => p.Name)));
        }

        // Output 1 is source b: it matches reference b, not a.
        Assert.True(sources[0].GetProperty("ps").GetDouble() < 0.5);
        Assert.True(sources[1].GetProperty("ps").GetDouble() > 0.5);
        Assert.True(sources[1].GetProperty("pm").GetDouble() > sources[0].GetProperty("pm").GetDouble());
    }

    [Fact]
    public async Task Mismatched_counts_and_unreadable_files_are_input_errors()
    {
        var a = Source("a.wav", 180, 8, 2.5);
        var b = Source("b.wav", 410, 3, 3.5);
        var (exit, _, error) = await RunAsync("score", "--refs", a, b, "--outs", a, "--encoder", "raw", "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("--outs has 1", error, StringComparison.Ordinal);

        var junk = Path.Combine(_folder, "junk.wav");
        await File.WriteAllTextAsync(junk, "not audio", TestContext.Current.CancellationToken);
        (exit, _, error) = await RunAsync("score", "--refs", a, b, "--outs", a, junk, "--encoder", "raw", "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("score", "--refs", a, b, "--outs", a, b, "--encoder", "nonsense", "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown encoder", error, StringComparison.Ordinal);
    }
}
