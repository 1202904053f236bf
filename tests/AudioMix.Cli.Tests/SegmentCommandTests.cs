using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli.Tests;

/// <summary>`audiomix segment` on the Silero parity tests' espeak-ng sentence (words 0.61–4.46 s) over a quiet tone bed.</summary>
public sealed class SegmentCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-segment-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string WriteSpeechOverTones()
    {
        var speech = AudioFile.Read(Path.Combine(AppContext.BaseDirectory, "Vad", "speech16k.wav"));
        var mix = AudioBuffer.Silence(speech.SampleRate, 2, speech.Frames);
        for (var i = 0; i < speech.Frames; i++)
        {
            var t = (double)i / speech.SampleRate;
            var bed = (float)(0.03 * Math.Sin(2 * Math.PI * 110 * t));
            mix.Channels[0][i] = speech.Channels[0][i] + bed;
            mix.Channels[1][i] = speech.Channels[0][i] - bed;
        }

        var path = Path.Combine(_folder, "speech.wav");
        AudioFile.Write(path, mix, WavSampleFormat.Float32);
        return path;
    }

    [Theory]
    [InlineData("none", "silero")]
    [InlineData("two-stage-hpss", "silero")]
    [InlineData("none", "rms")]
    public async Task Prints_the_voiced_spans_as_json(string separator, string detector)
    {
        var input = WriteSpeechOverTones();

        var (exit, output, error) = await RunAsync("segment", input, "--separator", separator, "--detector", detector, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(detector, root.GetProperty("detector").GetString());
        Assert.Equal(separator, root.GetProperty("separator").GetString());
        var segments = root.GetProperty("segments").EnumerateArray().Select(s => (Start: s.GetProperty("start").GetDouble(), End: s.GetProperty("end").GetDouble())).ToArray();
        Assert.NotEmpty(segments);
        Assert.InRange(segments[0].Start, 0.3, 0.8);
        Assert.InRange(segments[^1].End, 4.0, 4.8);
        Assert.Equal(detector == "silero", root.TryGetProperty("model", out var model));
        if (detector == "silero")
        {
            Assert.StartsWith("silero-vad@5 sha256:", model.GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Silero_without_the_model_names_the_install_command_and_auto_falls_back_to_rms()
    {
        var input = WriteSpeechOverTones();
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "no-models")).FullName;

        var (exit, _, error) = await RunAsync("segment", input, "--separator", "none", "--detector", "silero", "--models", empty);
        Assert.Equal(2, exit);
        Assert.Contains("infra/models/install silero-vad", error, StringComparison.Ordinal);

        (exit, var output, error) = await RunAsync("segment", input, "--separator", "none", "--models", empty, "--json");
        Assert.True(exit == 0, error);
        Assert.Equal("rms", JsonDocument.Parse(output).RootElement.GetProperty("detector").GetString());

        (exit, _, error) = await RunAsync("segment", input, "--detector", "webrtc");
        Assert.NotEqual(0, exit);
    }
}
