using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace AudioMix.Benchmarks;

/// <summary>
/// The platform end to end, over HTTP against the built web host (embedded silo, filesystem store)
/// started as a child process: upload throughput against a raw loopback HTTP drain and a file copy
/// of the same bytes, and job throughput for a 1,000-unit mixup over 1,000 one-second items.
/// </summary>
internal static class PlatformBenchmarks
{
    private const int Items = 1000;
    private const int BatchSize = 50;
    private const int Rate = 44100;
    private const int Channels = 2;

    public static async Task RunAsync(BenchmarkHarness harness)
    {
        var inv = CultureInfo.InvariantCulture;
        var files = Enumerable.Range(0, Items).Select(i => ($"item{i:D4}.wav", Wav(i, 1.0))).ToList();
        var large = Enumerable.Range(0, 24).Select(i => ($"long{i:D2}.wav", Wav(5000 + i, 60.0))).ToList();
        Console.WriteLine(string.Create(inv, $"Platform benchmarks — uploads over loopback HTTP to the web host (embedded silo, filesystem store), then a mixup job"));

        var data = Path.Combine(harness.Folder, "platform-data");
        using var host = await HostProcess.StartAsync(data);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(10) };

        // Many small files (per-file costs dominate), then few large ones (per-byte costs dominate).
        var datasetId = await UploadBenchmarkAsync(harness, http, $"upload {Items} x 1 s WAV, {BatchSize}/request", files, BatchSize);
        await UploadBenchmarkAsync(harness, http, "upload 24 x 60 s WAV, 4/request", large, 4);

        // Job throughput: a mixup of 1,000 units, timed from POST to "completed" as seen by polling.
        var job = Stopwatch.StartNew();
        using var started = await http.PostAsJsonAsync("api/jobs", new { datasetId, seed = 7, operations = new[] { new { op = "mixup", @params = new { count = Items } } } });
        var jobId = (await Json(started)).GetProperty("jobId").GetString()!;
        JsonElement status;
        while (true)
        {
            using var poll = await http.GetAsync($"api/jobs/{jobId}");
            status = await Json(poll);
            var state = status.GetProperty("state").GetString();
            if (state is "completed" or "failed" or "cancelled")
            {
                break;
            }

            await Task.Delay(50);
        }

        job.Stop();
        if (status.GetProperty("state").GetString() != "completed" || status.GetProperty("completed").GetInt32() != Items)
        {
            throw new InvalidOperationException($"the job did not complete cleanly: {status}");
        }

        var audioSeconds = 0.0;
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{jobId}/outputs?limit=1000"))
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request);
            audioSeconds = (await Json(response)).GetProperty("items").EnumerateArray().Sum(o => o.GetProperty("duration").GetDouble());
        }

        var wall = job.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv,
            $"{"mixup job (1000 units)",-34} {Items / wall,7:0.0} units/s | {audioSeconds / wall,7:0.0} s of audio per wall second | {wall:0.00} s wall, {audioSeconds:0} s of audio, {Environment.ProcessorCount} cores"));
        await host.StopAsync();
    }

    /// <summary>
    /// Uploads <paramref name="files"/> into a new dataset and prints MB/s next to two references measured
    /// on the same bytes just before: a raw loopback HTTP drain and File.Copy. Returns the dataset id.
    /// </summary>
    private static async Task<string> UploadBenchmarkAsync(BenchmarkHarness harness, HttpClient http, string name, List<(string Name, byte[] Bytes)> files, int batchSize)
    {
        var batches = files.Chunk(batchSize).ToList();
        var mb = files.Sum(f => (long)f.Bytes.Length) / 1e6;
        var drain = await DrainAsync(batches);
        var copy = FileCopy(harness, files);

        using var created = await http.PostAsJsonAsync("api/datasets", new { name = "bench", kind = "sound" });
        var datasetId = (await Json(created)).GetProperty("id").GetString()!;
        var upload = Stopwatch.StartNew();
        var accepted = 0;
        foreach (var batch in batches)
        {
            using var form = Multipart(batch);
            using var response = await http.PostAsync($"api/datasets/{datasetId}/items", form);
            accepted += (await Json(response)).GetProperty("accepted").GetArrayLength();
        }

        upload.Stop();
        if (accepted != files.Count)
        {
            throw new InvalidOperationException($"only {accepted} of {files.Count} uploads were accepted");
        }

        var seconds = upload.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {mb,6:0.0} MB | AudioMix {mb / seconds,6:0.0} MB/s ({files.Count / seconds,5:0.0} files/s, {seconds:0.00} s) | loopback HTTP drain {mb / drain.TotalSeconds,6:0.0} MB/s | File.Copy {mb / copy.TotalSeconds,6:0.0} MB/s | AudioMix/drain {drain.TotalSeconds / seconds:0.000}x"));
        return datasetId;
    }

    /// <summary>Raw loopback HTTP: the same multipart bodies PUT to a listener that reads and discards them.</summary>
    private static async Task<TimeSpan> DrainAsync(List<(string, byte[])[]> batches)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        var server = Task.Run(() => ServeDrainAsync(listener, cts.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        // Warm-up, then the timed pass.
        using (var warm = Multipart(batches[0]))
        {
            (await http.PutAsync("drain", warm)).Dispose();
        }

        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using var form = Multipart(batch);
            using var response = await http.PutAsync("drain", form);
            response.EnsureSuccessStatusCode();
        }

        clock.Stop();
        await cts.CancelAsync();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
        return clock.Elapsed;
    }

    private static async Task ServeDrainAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(ct);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[81920];
                    while (true)
                    {
                        // Headers up to the blank line, then exactly Content-Length bytes of body.
                        var header = new StringBuilder();
                        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var b = stream.ReadByte();
                            if (b < 0)
                            {
                                return;
                            }

                            header.Append((char)b);
                        }

                        var lengthLine = header.ToString().Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                        var remaining = long.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                        while (remaining > 0)
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct);
                            if (n == 0)
                            {
                                return;
                            }

                            remaining -= n;
                        }

                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), ct);
                    }
                }
            }, ct);
        }
    }

    private static TimeSpan FileCopy(BenchmarkHarness harness, List<(string Name, byte[] Bytes)> files)
    {
        var source = Directory.CreateDirectory(Path.Combine(harness.Folder, "copy-src", Guid.NewGuid().ToString("N"))).FullName;
        var target = Directory.CreateDirectory(Path.Combine(harness.Folder, "copy-dst", Guid.NewGuid().ToString("N"))).FullName;
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(source, name), bytes);
        }

        var clock = Stopwatch.StartNew();
        foreach (var (name, _) in files)
        {
            File.Copy(Path.Combine(source, name), Path.Combine(target, name), overwrite: true);
        }

        clock.Stop();
        return clock.Elapsed;
    }

    private static MultipartFormDataContent Multipart(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(part, "files", name);
        }

        return form;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        }

        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>A PCM16 WAV: a tone whose pitch depends on the seed, plus seeded noise.</summary>
    private static byte[] Wav(int seed, double seconds)
    {
        var frames = (int)(seconds * Rate);
        var dataBytes = frames * Channels * 2;
        var bytes = new byte[44 + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], Channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], Rate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], Rate * Channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], Channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], dataBytes);
        var random = new Random(seed);
        var frequency = 100.0 + 7 * (seed % 300);
        for (int i = 0, o = 44; i < frames; i++)
        {
            var sample = (short)(short.MaxValue * (0.2 * Math.Sin(2 * Math.PI * frequency * i / Rate) + 0.03 * (random.NextDouble() * 2 - 1)));
            for (var c = 0; c < Channels; c++, o += 2)
            {
                BinaryPrimitives.WriteInt16LittleEndian(s[o..], sample);
            }
        }

        return bytes;
    }

    /// <summary>The built web host as a child process on free ports over a fresh data directory.</summary>
    private sealed class HostProcess : IDisposable
    {
        private readonly Process _process;

        private HostProcess(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<HostProcess> StartAsync(string data)
        {
            var dll = typeof(PlatformBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AudioMixWebDll").Value!;
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"the web host is not built at {dll}; build tests/AudioMix.Benchmarks (it builds the web host) first");
            }

            var inv = CultureInfo.InvariantCulture;
            var http = FreePort();
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                dll, "--urls", $"http://127.0.0.1:{http}", "--AudioMix:Storage:RootPath=" + data,
                string.Create(inv, $"--AudioMix:Silo:SiloPort={FreePort()}"), string.Create(inv, $"--AudioMix:Silo:GatewayPort={FreePort()}"),
                "--AudioMix:Silo:ServiceId=audiomix-bench", "--Logging:LogLevel:Default=Warning",
            })
            {
                psi.ArgumentList.Add(arg);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var host = new HostProcess(process, new Uri($"http://127.0.0.1:{http}/"));
            using var probe = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the web host exited with {process.ExitCode}");
                }

                try
                {
                    using var response = await probe.GetAsync("api/jobs");
                    if (response.IsSuccessStatusCode)
                    {
                        return host;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                await Task.Delay(100);
            }

            host.Dispose();
            throw new TimeoutException("the web host did not answer within 90 s");
        }

        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
