using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Benchmarks;

/// <summary>
/// Scale-out across silo processes (<c>-- cluster-scale [units] [mixup|separate]</c>): the same job on an
/// infra/cluster/up cluster of one silo pinned to core 0, then of two silos pinned to cores 0 and 1 (<c>taskset</c>, every
/// thread). Redis, Azurite and the web host are not pinned: they are the same in both runs, and on a two-core machine
/// they share the silos' cores. Prints rendering units/s of each and the ratio two ÷ one, measured in the same run.
/// <c>mixup</c> (default) is light on compute and heavy on blob traffic (two reads and a write per unit through
/// Azurite, a single-threaded Node process); <c>separate</c> (HPSS, one unit per item) is compute-bound.
/// </summary>
internal static partial class ClusterScaleBenchmarks
{
    public static async Task RunAsync(BenchmarkHarness harness, int units, string op)
    {
        var inv = CultureInfo.InvariantCulture;
        var clips = op == "separate" ? units : 16;
        Console.WriteLine(string.Create(inv, $"Cluster scale — {op} of {units:N0} units over {clips} two-second 44.1 kHz stereo clips, silos pinned one per core, {Environment.ProcessorCount} cores"));
        var one = await MeasureAsync(harness, silos: 1, units, op, clips);
        var two = await MeasureAsync(harness, silos: 2, units, op, clips);
        Console.WriteLine(string.Create(inv, $"{"1 silo on 1 core",-28} {one,10:N1} units/s (reference)"));
        Console.WriteLine(string.Create(inv, $"{"2 silos on 1 core each",-28} {two,10:N1} units/s   2 ÷ 1 {two / one:0.00}x (target ≥ 1.70)"));
    }

    private static async Task<double> MeasureAsync(BenchmarkHarness harness, int silos, int units, string op, int clips)
    {
        var data = Path.Combine(harness.Folder, $"cluster-{silos}");
        var repo = Repository();
        try
        {
            var up = await RunAsync(Path.Combine(repo, "infra", "cluster", "up"), ["--silos", silos.ToString(CultureInfo.InvariantCulture), "--data", data]);
            var web = RunningLine().Match(up) is { Success: true } m ? m.Groups["url"].Value : throw new InvalidOperationException($"infra/cluster/up failed:\n{up}");
            using (var cluster = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "cluster.json"))))
            {
                var core = 0;
                foreach (var silo in cluster.RootElement.GetProperty("silos").EnumerateArray())
                {
                    await RunAsync("taskset", ["-a", "-cp", (core++ % Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture), silo.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture)]);
                }
            }

            using var http = new HttpClient { BaseAddress = new Uri(web + "/"), Timeout = TimeSpan.FromSeconds(60) };
            using var created = await http.PostAsJsonAsync("api/datasets", new { name = "scale", kind = "sound" });
            var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using (var form = new MultipartFormDataContent())
            {
                for (var i = 0; i < clips; i++)
                {
                    form.Add(new ByteArrayContent(Wav(i)), "files", $"clip{i}.wav");
                }

                (await http.PostAsync($"api/datasets/{datasetId}/items", form)).EnsureSuccessStatusCode();
            }

            object step = op == "separate"
                ? new { op, @params = (object)new { method = "hpss" } }
                : new { op, @params = (object)new { count = units } };
            using var started = await http.PostAsJsonAsync("api/jobs", new { datasetId, seed = 1, operations = new[] { step } });
            var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
            // Rendering rate between 10 % and 90 % of the units: planning, dispatch ramp-up and the manifest are left out.
            (double Seconds, int Done)? from = null, to = null;
            var clock = Stopwatch.StartNew();
            while (to is null)
            {
                var status = await http.GetFromJsonAsync<JsonElement>($"api/jobs/{jobId}");
                var done = status.GetProperty("completed").GetInt32() + status.GetProperty("failed").GetInt32();
                if (from is null && done >= units / 10)
                {
                    from = (clock.Elapsed.TotalSeconds, done);
                }
                else if (from is not null && done >= units * 9 / 10)
                {
                    to = (clock.Elapsed.TotalSeconds, done);
                }
                else if (status.GetProperty("state").GetString() is "failed" or "cancelled")
                {
                    throw new InvalidOperationException($"The job ended: {status}");
                }

                await Task.Delay(100);
            }

            return (to.Value.Done - from!.Value.Done) / (to.Value.Seconds - from.Value.Seconds);
        }
        finally
        {
            await RunAsync(Path.Combine(repo, "infra", "cluster", "down"), ["--data", data]);
        }
    }

    // Two seconds of 44.1 kHz stereo, through the project's own WAV writer.
    private static byte[] Wav(int seed)
    {
        var tone = JobScaleBenchmarks.Tone(110 + 20 * seed, 44100, 2.0, seed);
        using var memory = new MemoryStream();
        using (var writer = new WavWriter(memory, 44100, 2, WavSampleFormat.Pcm16, leaveOpen: true))
        {
            writer.Write(new AudioBuffer(44100, [tone.Channels[0], tone.Channels[0].ToArray()]));
        }

        return memory.ToArray();
    }

    private static async Task<string> RunAsync(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await error;
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioMix.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AudioMix.sln not found above the benchmark's folder.");
    }

    [GeneratedRegex(@"^AudioMix cluster is running at (?<url>http://127\.0\.0\.1:\d+)$", RegexOptions.Multiline)]
    private static partial Regex RunningLine();
}
