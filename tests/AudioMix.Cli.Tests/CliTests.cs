using System.Diagnostics;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli.Tests;

/// <summary>Runs `audiomix` commands in process against files generated here.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static AudioBuffer Tone(int rate, double seconds, int channels, float amplitude = 0.1f)
    {
        var frames = (int)(rate * seconds);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * MathF.Sin(2 * MathF.PI * 1000 * i / rate);
            }
        }

        return new AudioBuffer(rate, data);
    }

    private string WriteWav(string name, AudioBuffer buffer)
    {
        var path = Path.Combine(_folder, name);
        AudioFile.Write(path, buffer, WavSampleFormat.Pcm16);
        return path;
    }

    internal static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Info_json_reports_format_duration_channels_rate_loudness_and_peak()
    {
        var wav = WriteWav("tone.wav", Tone(44100, 2.5, 2));

        var (exit, output, error) = await RunAsync("info", wav, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("wav", root.GetProperty("format").GetString());
        Assert.Equal("pcm_s16le", root.GetProperty("codec").GetString());
        Assert.Equal(2.5, root.GetProperty("duration").GetDouble(), 6);
        Assert.Equal(2, root.GetProperty("channels").GetInt32());
        Assert.Equal(44100, root.GetProperty("sampleRate").GetInt32());
        Assert.InRange(root.GetProperty("integratedLufs").GetDouble(), -20.1, -19.9);
        Assert.InRange(root.GetProperty("samplePeakDbfs").GetDouble(), -20.05, -19.95);
    }

    [Fact]
    public async Task Info_reads_an_mp3_through_ffmpeg()
    {
        var wav = WriteWav("tone.wav", Tone(44100, 3, 2));
        var mp3 = Path.Combine(_folder, "tone.mp3");
        using (var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", "-i", wav, "-b:a", "192k", mp3]))!)
        {
            await ffmpeg.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, ffmpeg.ExitCode);
        }

        var (exit, output, error) = await RunAsync("info", mp3, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("mp3", root.GetProperty("format").GetString());
        Assert.Equal(44100, root.GetProperty("sampleRate").GetInt32());
        Assert.Equal(2, root.GetProperty("channels").GetInt32());
        // MP3 adds encoder delay/padding unless gapless info is honoured: allow a frame or two.
        Assert.InRange(root.GetProperty("duration").GetDouble(), 2.99, 3.06);
        Assert.InRange(root.GetProperty("integratedLufs").GetDouble(), -20.3, -19.7);
    }

    [Fact]
    public async Task Info_text_is_human_readable()
    {
        var wav = WriteWav("tone.wav", Tone(16000, 1, 1));

        var (exit, output, _) = await RunAsync("info", wav);

        Assert.Equal(0, exit);
        Assert.Contains("rate:      16000 Hz", output, StringComparison.Ordinal);
        Assert.Contains("LUFS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_on_a_non_audio_file_fails_with_a_message_naming_the_problem()
    {
        var text = Path.Combine(_folder, "readme.wav");
        await File.WriteAllTextAsync(text, "definitely not audio, just text", TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("info", text);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("readme.wav", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_on_a_missing_file_is_a_usage_error()
    {
        var (exit, _, error) = await RunAsync("info", Path.Combine(_folder, "nope.wav"));

        Assert.NotEqual(0, exit);
        Assert.Contains("nope.wav", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_resamples_downmixes_and_normalises()
    {
        var wav = WriteWav("in.wav", Tone(44100, 2, 2, amplitude: 0.05f));
        var output = Path.Combine(_folder, "out.wav");

        var (exit, stdout, error) = await RunAsync("convert", wav, output, "--rate", "16000", "--mono", "--loudness", "-23");

        Assert.True(exit == 0, error);
        Assert.Contains("gain", stdout, StringComparison.Ordinal);
        var (_, info, _) = await RunAsync("info", output, "--json");
        using var json = JsonDocument.Parse(info);
        Assert.Equal(16000, json.RootElement.GetProperty("sampleRate").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("channels").GetInt32());
        Assert.Equal(32000, json.RootElement.GetProperty("frames").GetInt64());
        Assert.InRange(json.RootElement.GetProperty("integratedLufs").GetDouble(), -23.1, -22.9);
    }

    [Fact]
    public async Task Convert_writes_flac_through_ffmpeg_losslessly()
    {
        var wav = WriteWav("in.wav", Tone(48000, 1, 2));
        var flac = Path.Combine(_folder, "out.flac");

        var (exit, _, error) = await RunAsync("convert", wav, flac);

        Assert.True(exit == 0, error);
        var original = AudioFile.Read(wav);
        var decoded = AudioFile.Read(flac);
        Assert.Equal(original.Frames, decoded.Frames);
        Assert.Equal(original.Channels[1], decoded.Channels[1]);
    }

    [Fact]
    public async Task Convert_refuses_to_overwrite_its_input()
    {
        var wav = WriteWav("in.wav", Tone(16000, 0.5, 1));
        var before = await File.ReadAllBytesAsync(wav, TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("convert", wav, wav, "--rate", "8000");

        Assert.Equal(2, exit);
        Assert.Contains("never overwrites", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(wav, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Convert_rejects_an_unknown_sample_format()
    {
        var wav = WriteWav("in.wav", Tone(16000, 0.5, 1));

        var (exit, _, error) = await RunAsync("convert", wav, Path.Combine(_folder, "o.wav"), "--format", "pcm12");

        Assert.NotEqual(0, exit);
        Assert.Contains("pcm12", error, StringComparison.Ordinal);
    }
}
