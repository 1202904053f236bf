using System.Diagnostics;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.TestSupport;

namespace AudioMix.Cli.Tests;

/// <summary>
/// The long-file promise of `audiomix separate`: a one-hour stereo 44.1 kHz recording separates in its own process with
/// peak resident memory under 1.5 GB (runtime and libtorch included), and no block is lost, repeated or shifted — the
/// stems add back up to the input over the whole hour. (That streamed output equals whole-buffer processing is shown
/// on shorter audio by the separator tests.)
/// </summary>
public sealed class LongFileSeparationTests : IDisposable
{
    private const int Rate = 44100;
    private const int Seconds = 3600;
    private const long MemoryLimitBytes = 1_500_000_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-long-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("hpss")]
    [InlineData("two-stage-hpss")] // two chained streams, the first with 16384-point frames
    public async Task One_hour_stereo_file_separates_in_bounded_memory_and_the_stems_sum_to_the_input(string method)
    {
        var ct = TestContext.Current.CancellationToken;
        var input = Path.Combine(_folder, "hour.wav");
        WriteHour(input);
        var outDir = Path.Combine(_folder, "stems");

        // A child process, so its peak resident set is the separation's alone (not the test host's).
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "audiomix.dll"), "separate", input, "--method", method, "--out", outDir, "--device", "cpu", "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");

        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        var peak = root.GetProperty("peakMemoryBytes").GetInt64();
        TestContext.Current.TestOutputHelper?.WriteLine($"{method}: peak {peak / 1e9:0.00} GB, real-time factor {root.GetProperty("realTimeFactor").GetDouble():0.0}");
        Assert.InRange(peak, 50_000_000, MemoryLimitBytes);
        Assert.Equal(Seconds, root.GetProperty("audioSeconds").GetDouble(), 6);
        var stems = root.GetProperty("stems").EnumerateArray().Select(s => s.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(2, stems.Length);

        // Walk the input and both stems in step over the whole hour.
        using var mixture = AudioBlocks.Read(input).GetEnumerator();
        using var first = AudioBlocks.Read(stems[0]).GetEnumerator();
        using var second = AudioBlocks.Read(stems[1]).GetEnumerator();
        long frames = 0;
        var maxError = 0.0;
        while (mixture.MoveNext())
        {
            Assert.True(first.MoveNext() && second.MoveNext(), $"the stems end early, at {frames} frames");
            var (x, a, b) = (mixture.Current, first.Current, second.Current);
            Assert.Equal(x.Frames, a.Frames);
            Assert.Equal(x.Frames, b.Frames);
            for (var c = 0; c < 2; c++)
            {
                for (var i = 0; i < x.Frames; i++)
                {
                    maxError = Math.Max(maxError, Math.Abs(a.Channels[c][i] + b.Channels[c][i] - x.Channels[c][i]));
                }
            }

            frames += x.Frames;
        }

        Assert.False(first.MoveNext() || second.MoveNext(), "the stems run past the input");
        Assert.Equal((long)Rate * Seconds, frames);
        Assert.True(maxError < 1e-3, $"stems differ from the input by up to {maxError}");
    }

    /// <summary>An hour of drums, bass and noise, streamed to disk a minute at a time (never held whole).</summary>
    private static void WriteHour(string path)
    {
        var loop = DrumLoops.Make(121, 60, seed: 4, rate: Rate).Channels[0];
        var random = new Random(11);
        using var writer = WavWriter.Create(path, Rate, 2, WavSampleFormat.Pcm16);
        for (var minute = 0; minute < Seconds / 60; minute++)
        {
            var block = AudioBuffer.Silence(Rate, 2, loop.Length);
            for (var i = 0; i < loop.Length; i++)
            {
                var t = (minute * 60.0) + ((double)i / Rate);
                var bass = 0.2 * Math.Sin(2 * Math.PI * (55 + (minute % 5)) * t);
                var noise = 0.01 * ((random.NextDouble() * 2) - 1);
                block.Channels[0][i] = (float)((0.8 * loop[i]) + bass + noise);
                block.Channels[1][i] = (float)((0.6 * loop[i]) + bass - noise);
            }

            writer.Write(block);
        }
    }
}
