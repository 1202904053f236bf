using System.Diagnostics;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli.Tests;

/// <summary>
/// The libtorch settings the CLI makes at start (<see cref="CliRuntime"/>), seen from outside: each command runs in a
/// fresh `audiomix` process (the settings are read once, when libtorch loads, so an in-process run shows nothing) with
/// <c>OMP_DISPLAY_ENV=true</c>, which makes libtorch's OpenMP runtime print the thread count it took when it loaded.
/// </summary>
public sealed class CliRuntimeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-cli-runtime-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Tone(string name, double frequency)
    {
        const int Rate = 22050;
        var samples = new float[Rate * 4];
        for (var i = 0; i < samples.Length; i++)
        {
            // A tone with a click every half second: something for the beat tracker to follow.
            samples[i] = (0.2f * MathF.Sin(2 * MathF.PI * (float)frequency * i / Rate)) + (i % (Rate / 2) < 200 ? 0.6f : 0f);
        }

        var path = Path.Combine(_folder, name);
        AudioFile.Write(path, new AudioBuffer(Rate, [samples]), WavSampleFormat.Pcm16);
        return path;
    }

    private static async Task<string> OpenMpThreadsAsync(params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "audiomix.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["OMP_DISPLAY_ENV"] = "true";
        psi.Environment.Remove("OMP_NUM_THREADS"); // nobody's own setting: what the CLI does is what shows
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"audiomix {string.Join(' ', args)}: exit {process.ExitCode}: {stderr}{await stdout}");
        var line = stderr.Split('\n').FirstOrDefault(l => l.Trim().StartsWith("OMP_NUM_THREADS = ", StringComparison.Ordinal));
        Assert.True(line is not null, $"libtorch's OpenMP runtime did not report its threads (was libtorch loaded?): {stderr}");
        return line.Trim()["OMP_NUM_THREADS = ".Length..].Trim('\'');
    }

    [Fact]
    public async Task Beats_runs_libtorch_on_one_thread()
    {
        Assert.Equal("1", await OpenMpThreadsAsync("beats", Tone("clicks.wav", 440), "--json"));
    }

    [Fact]
    public async Task Beat_mixup_runs_libtorch_on_one_thread()
    {
        var input = Path.Combine(_folder, "loops");
        Directory.CreateDirectory(input);
        File.Move(Tone("a.wav", 440), Path.Combine(input, "a.wav"));
        File.Move(Tone("b.wav", 550), Path.Combine(input, "b.wav"));

        Assert.Equal("1", await OpenMpThreadsAsync("beat-mixup", input, "--out", Path.Combine(_folder, "mixes"), "--pairs-only", "--min-confidence", "0"));
    }

    [Fact]
    public async Task Separation_keeps_libtorchs_default_of_every_core()
    {
        // libgomp's default is the number of processors it may use: what separation should keep.
        Assert.Equal(
            Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await OpenMpThreadsAsync("separate", Tone("mix.wav", 440), "--method", "hpss", "--out", Path.Combine(_folder, "stems"), "--device", "cpu"));
    }
}
