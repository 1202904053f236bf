using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AudioMix.Platform.Tests.Infrastructure;

namespace AudioMix.Platform.Tests;

/// <summary>
/// Kills the real web host (embedded silo) with SIGKILL in the middle of a job, starts it again on
/// the same data directory and ports, and checks the job finishes by itself with every unit present
/// exactly once and byte-identical to an uninterrupted run of the same seed.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const int ItemCount = 12;
    private const double ItemSeconds = 4;
    private const int UnitCount = 400;
    private const long Seed = 7;

    private readonly string _data = Directory.CreateTempSubdirectory("audiomix-crash-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_job_killed_with_sigkill_mid_way_resumes_on_restart_and_completes_every_unit_once_deterministically()
    {
        var ct = TestContext.Current.CancellationToken;
        var ports = HostPorts.Free();
        var timings = new List<string>();
        var clock = Stopwatch.StartNew();
        void Mark(string what) => timings.Add(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.00} s  {what}"));

        string jobId;
        string datasetId;
        int completedAtKill;
        using (var first = await WebHostProcess.StartAsync(ports, _data, ct))
        {
            Mark($"host 1 up (pid {first.ProcessId})");
            using var http = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(60) };
            var api = new PlatformApi(http);
            datasetId = await api.CreateDatasetAsync("crash", "sound", ct);
            var files = Enumerable.Range(0, ItemCount).Select(i => ($"item{i:D2}.wav", TestWav.Create(i + 1, ItemSeconds))).ToList();
            var upload = await api.UploadAsync(datasetId, files, ct);
            Assert.Equal(ItemCount, upload.GetProperty("accepted").GetArrayLength());
            Mark($"dataset {datasetId}: {ItemCount} x {ItemSeconds} s WAVs uploaded");

            var job = await api.StartJobAsync(Recipe(datasetId), ct);
            jobId = job.GetProperty("jobId").GetString()!;
            Mark($"job {jobId} started ({UnitCount} units)");
            var midway = await api.WaitAsync(jobId, s => s.GetProperty("completed").GetInt32() is > 0 and var c && c < UnitCount / 2, TimeSpan.FromSeconds(120), ct, TimeSpan.FromMilliseconds(20));
            completedAtKill = midway.GetProperty("completed").GetInt32();

            // Let at least one checkpoint (every second) pass, so the restart has both recorded and unrecorded units.
            await Task.Delay(TimeSpan.FromSeconds(1.2), ct);
            var beforeKill = await api.JobAsync(jobId, ct);
            completedAtKill = beforeKill.GetProperty("completed").GetInt32();
            Assert.True(completedAtKill < UnitCount, $"the job finished before it could be killed ({completedAtKill}/{UnitCount}); make it longer");
            Assert.Equal("running", beforeKill.GetProperty("state").GetString());
            await first.KillAsync();
            Mark($"host 1 killed with SIGKILL at {completedAtKill}/{UnitCount} units; exit code {first.ExitCode}");
            // 137 = 128 + SIGKILL(9): the process died from the signal, no graceful shutdown ran.
            Assert.Equal(137, first.ExitCode);
        }

        using var second = await WebHostProcess.StartAsync(ports, _data, ct);
        Mark($"host 2 up on the same data and ports (pid {second.ProcessId})");
        using (var http = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(120) })
        {
            var api = new PlatformApi(http);
            // Nothing but status polls: the silo's startup task must resume the job by itself.
            var done = await api.WaitAsync(jobId, s => s.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(180), ct, TimeSpan.FromMilliseconds(100));
            Mark("killed job completed after restart");
            // The grains log what they resumed from: the job its finished shards, each unfinished shard its recorded
            // units. Recorded units are skipped, not redone from scratch.
            var resumed = System.Text.RegularExpressions.Regex.Match(second.Log, @"Job \w+ resuming in state Running: (\d+) units in \d+/\d+ finished shards");
            Assert.True(resumed.Success, $"host 2 did not log a resume:\n{second.Log}");
            var checkpointed = int.Parse(resumed.Groups[1].Value, CultureInfo.InvariantCulture) +
                System.Text.RegularExpressions.Regex.Matches(second.Log, @"Job \w+ shard \d+ resuming: (\d+)/\d+ units recorded")
                    .Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            // The status a client reads lags the shards' checkpoints by up to a report (~1 s), so more units than it
            // showed may have been saved; but some were, and not all (the job was mid-way).
            Assert.InRange(checkpointed, 1, UnitCount - 1);
            Mark($"host 2 resumed from the checkpoint with {checkpointed} units recorded ({completedAtKill - checkpointed} rendered but unrecorded at the kill, redone)");
            Assert.Equal(UnitCount, done.GetProperty("total").GetInt32());
            Assert.Equal(UnitCount, done.GetProperty("completed").GetInt32());
            Assert.Equal(0, done.GetProperty("failed").GetInt32());

            // Every unit exactly once, in the grain's record ...
            var outputs = await api.OutputsAsync(jobId, ct);
            Assert.Equal(Enumerable.Range(0, UnitCount), outputs.Select(o => o.GetProperty("index").GetInt32()).Order());
            Assert.All(outputs, o => Assert.Equal(JsonValueKind.Null, o.GetProperty("error").ValueKind));

            // ... and in storage: one blob per unit, no strays from the units rendered twice.
            var outputFolder = Path.Combine(_data, "blobs", "jobs", jobId, "outputs");
            var blobs = Directory.GetFiles(outputFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(Enumerable.Range(0, UnitCount).Select(i => i.ToString("D6", CultureInfo.InvariantCulture) + ".wav"), blobs);

            var manifest = Encoding.UTF8.GetString(await api.BytesAsync($"api/jobs/{jobId}/manifest", ct));
            var lines = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(UnitCount, lines.Length);
            var paths = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("audio_filepath").GetString()!).ToList();
            Assert.Equal(UnitCount, paths.Distinct(StringComparer.Ordinal).Count());

            var zipBytes = await api.BytesAsync($"api/jobs/{jobId}/outputs", ct);
            using (var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
                Assert.All(paths, p => Assert.Contains(p, entries));
                Assert.Equal(UnitCount + 1, entries.Count);
            }

            Mark($"verified {UnitCount} outputs, manifest and archive ({zipBytes.Length / 1e6:0.0} MB)");

            // Determinism across the crash: an uninterrupted run of the same recipe renders the same bytes.
            var fresh = await api.StartJobAsync(Recipe(datasetId), ct);
            var freshId = fresh.GetProperty("jobId").GetString()!;
            var freshClock = Stopwatch.StartNew();
            await api.WaitAsync(freshId, s => s.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(180), ct, TimeSpan.FromMilliseconds(100));
            Mark($"uninterrupted run of the same seed completed in {freshClock.Elapsed.TotalSeconds:0.00} s");

            var samples = Enumerable.Range(0, 10).Select(i => i * (UnitCount - 1) / 9)
                .Concat([Math.Max(0, completedAtKill - 1), completedAtKill, Math.Min(UnitCount - 1, completedAtKill + 1)])
                .Distinct().Order().ToArray();
            foreach (var unit in samples)
            {
                var killed = await api.BytesAsync($"api/jobs/{jobId}/outputs/{unit}/audio", ct);
                var clean = await api.BytesAsync($"api/jobs/{freshId}/outputs/{unit}/audio", ct);
                Assert.True(killed.AsSpan().SequenceEqual(clean), $"unit {unit} differs between the killed run and the uninterrupted one");
            }

            var freshManifest = Encoding.UTF8.GetString(await api.BytesAsync($"api/jobs/{freshId}/manifest", ct));
            Assert.Equal(StripJobIds(manifest, jobId), StripJobIds(freshManifest, freshId));
            Mark($"units {string.Join(',', samples)} byte-identical to the uninterrupted run; manifests equal");
        }

        await second.StopAsync();
        output.WriteLine("crash-safety timings:");
        foreach (var line in timings)
        {
            output.WriteLine(line);
        }

        Console.WriteLine("crash-safety timings:\n" + string.Join('\n', timings));
    }

    // The job id differs, and so may the silo that rendered a unit (provenance "silo"): the killed process's, the
    // restarted one's. Everything else in the manifest must be equal.
    private static string StripJobIds(string manifest, string jobId) =>
        System.Text.RegularExpressions.Regex.Replace(manifest.Replace(jobId, "JOB", StringComparison.Ordinal), ",\"silo\":\"[^\"]*\"", string.Empty);

    private static object Recipe(string datasetId) => new
    {
        datasetId,
        seed = Seed,
        operations = new[] { new { op = "mixup", @params = new { count = UnitCount, alpha = 0.4 } } },
    };
}
