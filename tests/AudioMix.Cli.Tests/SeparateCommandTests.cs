using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli.Tests;

public sealed class SeparateCommandTests : IDisposable
{
    private const int Rate = 22050;
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-separate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Clicks plus a sustained chord, stereo, generated with a fixed seed.</summary>
    private string WriteMix(string name)
    {
        var random = new Random(9);
        var frames = Rate * 3;
        var mix = AudioBuffer.Silence(Rate, 2, frames);
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / Rate;
            var tone = 0.1 * (Math.Sin(2 * Math.PI * 261.6 * t) + Math.Sin(2 * Math.PI * 329.6 * t));
            var sinceClick = t % 0.5;
            var click = sinceClick < 0.03 ? (random.NextDouble() - 0.5) * Math.Exp(-sinceClick / 0.005) : 0;
            mix.Channels[0][i] = (float)(tone + click);
            mix.Channels[1][i] = (float)(tone + (0.8 * click));
        }

        var path = Path.Combine(_folder, name);
        AudioFile.Write(path, mix, WavSampleFormat.Float32);
        return path;
    }

    [Theory]
    [InlineData("hpss", "percussive", "harmonic")]
    [InlineData("two-stage-hpss", "vocals", "accompaniment")]
    public async Task Stems_are_written_as_wavs_that_sum_back_to_the_input(string method, string first, string second)
    {
        var input = WriteMix("mix.wav");
        var before = await File.ReadAllBytesAsync(input, TestContext.Current.CancellationToken);
        var outDir = Path.Combine(_folder, "stems");
        var (exit, output, error) = await RunAsync("separate", input, "--method", method, "--out", outDir, "--device", "cpu");

        Assert.True(exit == 0, error);
        Assert.Contains(first, output, StringComparison.Ordinal);
        var mix = AudioFile.Read(input);
        var a = AudioFile.Read(Path.Combine(outDir, first + ".wav"));
        var b = AudioFile.Read(Path.Combine(outDir, second + ".wav"));
        Assert.Equal(mix.Frames, a.Frames);
        Assert.Equal(2, b.ChannelCount);
        var maxError = 0.0;
        for (var c = 0; c < 2; c++)
        {
            for (var i = 0; i < mix.Frames; i++)
            {
                maxError = Math.Max(maxError, Math.Abs(a.Channels[c][i] + b.Channels[c][i] - mix.Channels[c][i]));
            }
        }

        Assert.True(maxError < 1e-4, $"stems miss the mixture by {maxError}");
        Assert.True(a.Peak() > 0.01f && b.Peak() > 0.1f, $"peaks {a.Peak()} {b.Peak()}");
        Assert.Equal(before, await File.ReadAllBytesAsync(input, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Htdemucs_writes_five_stems_and_reports_the_model_hash_and_licence_and_cuda_is_refused_by_name()
    {
        // The model is installed by infra/test with explicit acceptance of its research-only licence.
        var input = WriteMix("mix.wav");
        var outDir = Path.Combine(_folder, "htdemucs");
        var (exit, output, error) = await RunAsync("separate", input, "--method", "htdemucs", "--out", outDir, "--device", "cpu", "--json");

        Assert.True(exit == 0, error);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        Assert.Equal("htdemucs", root.GetProperty("method").GetString());
        var parameters = root.GetProperty("parameters");
        Assert.Equal("research-only", parameters.GetProperty("license").GetString());
        Assert.Equal(AudioMix.Models.ModelCatalog.Get("htdemucs").Sha256, parameters.GetProperty("modelSha256").GetString());
        var stems = root.GetProperty("stems").EnumerateArray().ToArray();
        Assert.Equal(["drums", "bass", "other", "vocals", "accompaniment"], stems.Select(s => s.GetProperty("name").GetString()));
        foreach (var stem in stems)
        {
            var audio = AudioFile.Read(stem.GetProperty("path").GetString()!);
            Assert.Equal((Rate, 2, Rate * 3), (audio.SampleRate, audio.ChannelCount, audio.Frames));
        }

        // No CUDA provider in this (CPU) build: refused by name, nothing falls back silently.
        var (cudaExit, _, cudaError) = await RunAsync("separate", input, "--method", "htdemucs", "--out", Path.Combine(_folder, "cuda"), "--device", "cuda");
        Assert.NotEqual(0, cudaExit);
        Assert.Contains("AudioMix:Compute:Device=cuda", cudaError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_reports_method_parameters_stems_speed_and_peak_memory()
    {
        var input = WriteMix("mix.wav");
        var outDir = Path.Combine(_folder, "json");
        var (exit, output, error) = await RunAsync("separate", input, "--method", "repet-sim", "--out", outDir, "--device", "cpu", "--json");

        Assert.True(exit == 0, error);
        using var report = System.Text.Json.JsonDocument.Parse(output);
        var root = report.RootElement;
        Assert.Equal("repet-sim", root.GetProperty("method").GetString());
        Assert.True(root.GetProperty("parameters").GetProperty("fftSize").GetInt32() >= 256);
        var stems = root.GetProperty("stems").EnumerateArray().ToArray();
        Assert.Equal(["vocals", "accompaniment"], stems.Select(s => s.GetProperty("name").GetString()));
        Assert.All(stems, s => Assert.True(File.Exists(s.GetProperty("path").GetString())));
        Assert.Equal(3.0, root.GetProperty("audioSeconds").GetDouble(), 6);
        Assert.True(root.GetProperty("realTimeFactor").GetDouble() > 0);
        // This process's resident peak: at least the runtime, and nowhere near the machine's memory.
        Assert.InRange(root.GetProperty("peakMemoryBytes").GetInt64(), 20_000_000, 16_000_000_000);
    }

    [Fact]
    public async Task A_torchscript_model_runs_through_model_path()
    {
        var input = WriteMix("song.wav");
        var model = Path.Combine(AppContext.BaseDirectory, "Models", "midside_model.pt");
        var outDir = Path.Combine(_folder, "model");
        var (exit, _, error) = await RunAsync("separate", input, "--method", "model:" + model, "--out", outDir, "--device", "cpu");

        Assert.True(exit == 0, error);
        var mix = AudioFile.Read(input);
        var mid = AudioFile.Read(Path.Combine(outDir, "mid.wav"));
        Assert.Equal((mix.Channels[0][1234] + mix.Channels[1][1234]) / 2, mid.Channels[0][1234], 5);
        Assert.True(File.Exists(Path.Combine(outDir, "side.wav")));
    }

    [Fact]
    public async Task Bad_methods_mono_midside_and_writing_over_the_input_are_input_errors()
    {
        var input = WriteMix("harmonic.wav");
        var before = await File.ReadAllBytesAsync(input, TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("separate", input, "--method", "nmf", "--out", _folder, "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown separation method", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("separate", input, "--method", "hpss", "--out", _folder, "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("over the input", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(input, TestContext.Current.CancellationToken));

        var mono = Path.Combine(_folder, "mono.wav");
        AudioFile.Write(mono, AudioFile.Read(input).ToMono(), WavSampleFormat.Float32);
        (exit, _, error) = await RunAsync("separate", mono, "--method", "midside", "--out", Path.Combine(_folder, "ms"), "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("stereo", error, StringComparison.Ordinal);
    }

    // `audiomix segment`: the Silero parity tests' espeak-ng sentence (words 0.61–4.46 s) over a quiet tone bed.
    private string WriteSpeechOverTones()
    {
        var speech = AudioFile.Read(Path.Combine(AppContext.BaseDirectory, "Vad", "speech16k.wav"));
        var mix = AudioBuffer.Silence(speech.SampleRate, 2, speech.Frames);
        for (var i = 0; i < speech.Frames; i++)
        {
            var t = (double)i / speech.SampleRate;
            var bed = (float)(0.01 * Math.Sin(2 * Math.PI * 110 * t)); // below 0.1 of the speech's peak RMS, so RMS-VAD can find it too
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
