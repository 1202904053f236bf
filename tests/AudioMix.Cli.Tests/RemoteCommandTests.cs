using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Cli.Commands;
using AudioMix.Cli.Remote;

namespace AudioMix.Cli.Tests;

/// <summary>One real web host (embedded silo, temp data dir) shared by the remote-command tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly PlatformFactory _factory = new();

    public string Url { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        using var client = _factory.CreateClient();
        Url = client.BaseAddress!.ToString();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }
}

/// <summary>`audiomix dataset …` and `audiomix job …` against a real server over HTTP.</summary>
public sealed class RemoteCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-cli-remote-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string WriteTone(string folder, string name, double frequency, double seconds = 1.0)
    {
        const int rate = 22050;
        var frames = (int)(rate * seconds);
        var data = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            data[i] = 0.2f * MathF.Sin((float)(2 * Math.PI * frequency * i / rate));
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        AudioFile.Write(path, new AudioBuffer(rate, [data]), WavSampleFormat.Pcm16);
        return path;
    }

    private async Task<string> CreateDatasetAsync(string name)
    {
        var (exit, output, error) = await RunAsync("dataset", "create", "--name", name, "--kind", "sound", "--server", server.Url);
        Assert.True(exit == 0, error);
        return output.Trim();
    }

    private async Task<string> DatasetWithTonesAsync(int count)
    {
        var id = await CreateDatasetAsync("tones");
        var folder = Path.Combine(_folder, "tones");
        for (var i = 0; i < count; i++)
        {
            WriteTone(folder, $"tone{i}.wav", 300 + 100 * i);
        }

        var (exit, _, error) = await RunAsync("dataset", "upload", id, folder, "--server", server.Url);
        Assert.True(exit == 0, error);
        return id;
    }

    [Fact]
    public async Task Dataset_create_prints_the_id_and_json_on_request()
    {
        var id = await CreateDatasetAsync("plain");
        Assert.Matches("^[0-9a-f]{12}$", id);

        var (exit, output, error) = await RunAsync("dataset", "create", "--name", "drums", "--kind", "music", "--json", "--server", server.Url);
        Assert.True(exit == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("drums", json.GetProperty("name").GetString());
        Assert.Equal("music", json.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Dataset_create_refuses_an_unknown_kind_before_calling_the_server()
    {
        var (exit, _, error) = await RunAsync("dataset", "create", "--name", "x", "--kind", "noise", "--server", server.Url);
        Assert.NotEqual(0, exit);
        Assert.Contains("noise", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dataset_upload_of_a_folder_and_a_file_lists_accepted_and_rejected_with_reasons()
    {
        var id = await CreateDatasetAsync("mixed");
        var folder = Path.Combine(_folder, "mixed");
        WriteTone(folder, "a.wav", 440);
        WriteTone(Path.Combine(folder, "sub"), "b.wav", 660);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.wav"), "this is not audio", TestContext.Current.CancellationToken);
        var single = WriteTone(Path.Combine(_folder, "single"), "c.wav", 880, 0.5);

        var (exit, output, error) = await RunAsync("dataset", "upload", id, folder, single, "--server", server.Url);

        Assert.True(exit == 0, error);
        Assert.Contains("accepted  a.wav  1.00 s  22050 Hz  1 ch", output, StringComparison.Ordinal);
        Assert.Contains("accepted  b.wav", output, StringComparison.Ordinal);
        Assert.Contains("accepted  c.wav  0.50 s", output, StringComparison.Ordinal);
        Assert.Matches("rejected  notes.wav: .+", output);
        Assert.Contains("3 accepted, 1 rejected", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dataset_upload_exits_nonzero_with_every_reason_when_nothing_is_usable()
    {
        var id = await CreateDatasetAsync("junk");
        var junk = Path.Combine(_folder, "junk.mp3");
        await File.WriteAllBytesAsync(junk, new byte[4096], TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("dataset", "upload", id, junk, "--server", server.Url);

        Assert.Equal(CliConsole.InputError, exit);
        Assert.Matches("rejected  junk.mp3: .+", output);
        Assert.Contains("none of the 1 files was accepted", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dataset_upload_to_a_missing_dataset_prints_the_servers_problem_as_one_line()
    {
        var wav = WriteTone(_folder, "x.wav", 440);

        var (exit, output, error) = await RunAsync("dataset", "upload", "nosuchdataset", wav, "--server", server.Url);

        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Equal("", output);
        Assert.Equal("error: server: 404 Not Found: Dataset nosuchdataset does not exist.", error.TrimEnd());
    }

    [Fact]
    public async Task Job_run_wait_prints_plain_progress_when_redirected_and_manifest_downloads()
    {
        var datasetId = await DatasetWithTonesAsync(4);
        var recipe = Path.Combine(_folder, "recipe.json");
        await File.WriteAllTextAsync(recipe, $$$"""{"datasetId": "{{{datasetId}}}", "seed": 7, "operations": [{"op": "mixup", "params": {"count": 12}}]}""", TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("job", "run", "--recipe", recipe, "--wait", "--server", server.Url);

        Assert.True(exit == 0, error + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches("^job [0-9a-f]{12} started$", lines[0]);
        var jobId = lines[0].Split(' ')[1];
        Assert.Contains(lines, l => l.StartsWith("progress: ", StringComparison.Ordinal));
        Assert.Contains("progress: completed 12/12 (100%)", lines);
        Assert.DoesNotContain('\u001b', output); // no ANSI escapes in redirected output
        Assert.Equal($"job {jobId}: completed, 12/12 units done", lines[^1]);

        (exit, output, error) = await RunAsync("job", "status", jobId, "--server", server.Url);
        Assert.True(exit == 0, error);
        Assert.Equal($"job {jobId}: completed, 12/12 units done", output.Trim());

        var manifest = Path.Combine(_folder, "out", "manifest.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        (exit, _, error) = await RunAsync("job", "manifest", jobId, "--out", manifest, "--server", server.Url);
        Assert.True(exit == 0, error);
        var manifestLines = await File.ReadAllLinesAsync(manifest, TestContext.Current.CancellationToken);
        Assert.Equal(12, manifestLines.Length);
        Assert.All(manifestLines, l => Assert.StartsWith("outputs/", JsonDocument.Parse(l).RootElement.GetProperty("audio_filepath").GetString(), StringComparison.Ordinal));
        Assert.False(File.Exists(manifest + ".part"));

        (exit, output, _) = await RunAsync("job", "manifest", jobId, "--server", server.Url);
        Assert.Equal(0, exit);
        Assert.Equal(string.Join('\n', manifestLines) + "\n", output);
    }

    /// <summary>Starts a two-unit mixup job on a new two-tone dataset with <c>job run</c> (no wait); answers both ids.</summary>
    private async Task<(string DatasetId, string JobId)> StartMixupAsync()
    {
        var datasetId = await DatasetWithTonesAsync(2);
        var recipe = Path.Combine(_folder, $"{datasetId}.json");
        await File.WriteAllTextAsync(recipe, $$$"""{"datasetId": "{{{datasetId}}}", "operations": [{"op": "mixup", "params": {"count": 2}}]}""", TestContext.Current.CancellationToken);
        var (exit, output, error) = await RunAsync("job", "run", "--recipe", recipe, "--server", server.Url);
        Assert.True(exit == 0, error);
        return (datasetId, output.Trim());
    }

    [Fact]
    public async Task Job_run_without_wait_prints_the_id_and_status_json_follows_it()
    {
        var (_, jobId) = await StartMixupAsync();
        Assert.Matches("^[0-9a-f]{12}$", jobId);

        var (exit, output, error) = await RunAsync("job", "status", jobId, "--json", "--server", server.Url);
        Assert.True(exit == 0, error);
        var status = JsonDocument.Parse(output).RootElement;
        Assert.Equal(jobId, status.GetProperty("jobId").GetString());
        Assert.Contains(status.GetProperty("state").GetString(), new[] { "pending", "planning", "running", "completed" });
    }

    [Fact]
    public async Task Job_run_reports_a_bad_recipe_as_one_line_from_the_server()
    {
        var recipe = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(recipe, """{"datasetId": "missing0000", "operations": [{"op": "mixup"}]}""", TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("job", "run", "--recipe", recipe, "--wait", "--server", server.Url);

        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Equal("error: server: 404 Not Found: Dataset missing0000 does not exist.", error.TrimEnd());
    }

    [Fact]
    public async Task Job_run_rejects_malformed_json_locally()
    {
        var recipe = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(recipe, """{"datasetId": """, TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("job", "run", "--recipe", recipe, "--server", server.Url);

        Assert.Equal(CliConsole.InputError, exit);
        Assert.StartsWith("error: not valid JSON:", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Job_delete_dataset_rename_and_delete_then_both_are_unknown()
    {
        var (datasetId, jobId) = await StartMixupAsync();

        var (exit, output, error) = await RunAsync("job", "delete", jobId, "--server", server.Url);
        Assert.True(exit == 0, error);
        Assert.Equal($"job {jobId} deleted", output.Trim());
        (exit, _, error) = await RunAsync("job", "status", jobId, "--server", server.Url);
        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Equal($"error: server: 404 Not Found: Job {jobId} does not exist.", error.TrimEnd());

        (exit, output, error) = await RunAsync("dataset", "rename", datasetId, "--name", "renamed", "--server", server.Url);
        Assert.True(exit == 0, error);
        Assert.Equal($"dataset {datasetId} is now \"renamed\"", output.Trim());

        (exit, output, error) = await RunAsync("dataset", "delete", datasetId, "--server", server.Url);
        Assert.True(exit == 0, error);
        Assert.Equal($"dataset {datasetId} deleted", output.Trim());
        (exit, _, error) = await RunAsync("dataset", "delete", datasetId, "--server", server.Url);
        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Equal($"error: server: 404 Not Found: Dataset {datasetId} does not exist.", error.TrimEnd());
    }

    [Fact]
    public async Task Job_status_of_an_unknown_job_and_manifest_of_an_unfinished_one_are_clear_errors()
    {
        var (exit, _, error) = await RunAsync("job", "status", "nosuchjob", "--server", server.Url);
        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Equal("error: server: 404 Not Found: Job nosuchjob does not exist.", error.TrimEnd());

        (exit, _, error) = await RunAsync("job", "manifest", "nosuchjob", "--server", server.Url);
        Assert.Equal(CliConsole.ServerError, exit);
        Assert.Contains("404", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_one_line_naming_the_address()
    {
        var port = PlatformFactory.FreePort();

        var (exit, _, error) = await RunAsync("job", "status", "x", "--server", $"http://127.0.0.1:{port}");

        Assert.Equal(CliConsole.ServerError, exit);
        Assert.StartsWith($"error: cannot reach the AudioMix server at http://127.0.0.1:{port}/", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Server_address_comes_from_the_option_and_must_be_http()
    {
        Assert.Equal(new Uri("http://example.org:81/base/"), AudioMixClient.ResolveServer("http://example.org:81/base"));
        var ex = Assert.Throws<ArgumentException>(() => AudioMixClient.ResolveServer("ftp://x"));
        Assert.Contains("ftp://x", ex.Message, StringComparison.Ordinal);
        // Without an option: AUDIOMIX_SERVER if set, else the default address.
        var expected = Environment.GetEnvironmentVariable(AudioMixClient.ServerVariable) is { Length: > 0 } env ? env : AudioMixClient.DefaultServer;
        Assert.Equal(new Uri(expected.TrimEnd('/') + "/"), AudioMixClient.ResolveServer(null));
    }

    [Fact]
    public void Folder_expansion_is_recursive_sorted_and_skips_hidden_entries()
    {
        var root = Path.Combine(_folder, "tree");
        WriteTone(Path.Combine(root, "b"), "2.wav", 440, 0.1);
        WriteTone(root, "1.wav", 440, 0.1);
        WriteTone(Path.Combine(root, ".cache"), "hidden.wav", 440, 0.1);
        File.WriteAllText(Path.Combine(root, ".DS_Store"), "x");

        var files = DatasetCommand.Expand([root]).Select(f => Path.GetRelativePath(root, f.FullName)).ToArray();

        Assert.Equal(["1.wav", Path.Combine("b", "2.wav")], files);
        Assert.Throws<FileNotFoundException>(() => DatasetCommand.Expand([Path.Combine(_folder, "absent")]));
    }
}
