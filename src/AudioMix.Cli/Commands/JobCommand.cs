using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioMix.Cli.Remote;
using Spectre.Console;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix job run|status|manifest|delete</c>: augmentation jobs on an AudioMix server.</summary>
internal static class JobCommand
{
    /// <summary>How often <c>--wait</c> asks the server for progress.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliConsole console) => new("job", "Run augmentation jobs on an AudioMix server and fetch their manifests.")
    {
        RunCommand(console),
        StatusCommand(console),
        ManifestCommand(console),
        DeleteCommand(console),
    };

    private static Command DeleteCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Job id." };
        var server = ServerOption.Create();
        var command = new Command("delete", "Delete a job: cancels it if it is still running, then removes its outputs and manifest.") { id, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            await client.DeleteAsync("jobs", parse.GetValue(id)!, ct);
            console.Out.WriteLine($"job {parse.GetValue(id)} deleted");
            return 0;
        }));
        return command;
    }

    private static Command RunCommand(CliConsole console)
    {
        var recipe = new Option<FileInfo>("--recipe")
        {
            Description = "JSON recipe: the body of POST /api/jobs, e.g. {\"datasetId\": \"…\", \"seed\": 7, \"operations\": [{\"op\": \"mixup\", \"params\": {\"count\": 100}}]}.",
            Required = true,
        };
        recipe.AcceptExistingOnly();
        var wait = new Option<bool>("--wait") { Description = "Show progress until the job ends; exit 0 only if it completed." };
        var json = new Option<bool>("--json") { Description = "Print the job's status as JSON." };
        var server = ServerOption.Create();
        var command = new Command("run", "Start a job from a recipe file; prints its id.") { recipe, wait, json, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            var text = await File.ReadAllTextAsync(parse.GetValue(recipe)!.FullName, ct);
            using (JsonDocument.Parse(text))
            {
                // Parsed only to report a malformed recipe locally, with the line and position.
            }

            using var client = server.Connect(parse);
            var status = await client.StartJobAsync(text, ct);
            var jobId = status.GetProperty("id").GetString()!;
            if (!parse.GetValue(wait))
            {
                console.Out.WriteLine(parse.GetValue(json) ? status.GetRawText() : jobId);
                return 0;
            }

            if (!parse.GetValue(json))
            {
                console.Out.WriteLine($"job {jobId} started");
            }

            status = console.IsInteractive && !parse.GetValue(json)
                ? await WaitWithProgressBarAsync(client, jobId, ct)
                : await WaitWithLinesAsync(console, client, jobId, quiet: parse.GetValue(json), ct);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(status.GetRawText());
            }
            else
            {
                console.Out.WriteLine(Describe(status));
            }

            return Status(status).State == "completed" ? 0 : CliConsole.JobUnsuccessful;
        }));
        return command;
    }

    private static Command StatusCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Job id." };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer." };
        var server = ServerOption.Create();
        var command = new Command("status", "Show a job's state and progress.") { id, json, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            var status = await client.JobAsync(parse.GetValue(id)!, ct);
            console.Out.WriteLine(parse.GetValue(json) ? status.GetRawText() : Describe(status));
            return 0;
        }));
        return command;
    }

    private static Command ManifestCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Job id." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the manifest here instead of to standard output." };
        var server = ServerOption.Create();
        var command = new Command("manifest", "Download a completed job's manifest (JSON lines).") { id, output, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            if (parse.GetValue(output) is { } file)
            {
                // Into a temporary sibling first, so a failed download never leaves a truncated manifest.
                var temp = file.FullName + ".part";
                try
                {
                    await using (var stream = File.Create(temp))
                    {
                        await client.DownloadManifestAsync(parse.GetValue(id)!, stream, ct);
                    }

                    File.Move(temp, file.FullName, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }

                console.Error.WriteLine($"wrote {file.FullName}");
            }
            else
            {
                using var buffer = new MemoryStream();
                await client.DownloadManifestAsync(parse.GetValue(id)!, buffer, ct);
                await console.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                await console.Out.FlushAsync(ct);
            }

            return 0;
        }));
        return command;
    }

    internal readonly record struct JobProgress(string State, int Total, int Completed, int Failed, string? Error)
    {
        public bool IsFinished => State is "completed" or "failed" or "cancelled";

        public int Done => Completed + Failed;
    }

    internal static JobProgress Status(JsonElement status) => new(
        status.GetProperty("state").GetString() ?? "unknown",
        status.GetProperty("total").GetInt32(),
        status.GetProperty("completed").GetInt32(),
        status.GetProperty("failed").GetInt32(),
        status.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null);

    internal static string Describe(JsonElement status)
    {
        var p = Status(status);
        var text = string.Create(CultureInfo.InvariantCulture, $"job {status.GetProperty("id").GetString()}: {p.State}, {p.Completed}/{p.Total} units done");
        if (p.Failed > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {p.Failed} failed");
        }

        return p.Error is null ? text : $"{text}: {p.Error}";
    }

    /// <summary>Non-interactive progress: one plain line whenever the state or the count of done units changes (at most every poll).</summary>
    private static async Task<JsonElement> WaitWithLinesAsync(CliConsole console, AudioMixClient client, string jobId, bool quiet, CancellationToken ct)
    {
        JobProgress? last = null;
        while (true)
        {
            var status = await client.JobAsync(jobId, ct);
            var p = Status(status);
            if (!quiet && (last is null || last.Value.State != p.State || last.Value.Done != p.Done))
            {
                var percent = p.Total == 0 ? 0 : 100.0 * p.Done / p.Total;
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {p.State} {p.Done}/{p.Total} ({percent:0}%)"));
            }

            last = p;
            if (p.IsFinished)
            {
                return status;
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>Interactive progress: a Spectre.Console bar redrawn in place.</summary>
    private static async Task<JsonElement> WaitWithProgressBarAsync(AudioMixClient client, string jobId, CancellationToken ct)
    {
        JsonElement final = default;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"job {jobId}", maxValue: 1);
                while (true)
                {
                    final = await client.JobAsync(jobId, ct);
                    var p = Status(final);
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = $"job {jobId} [grey]{p.State}[/]";
                    if (p.IsFinished)
                    {
                        task.StopTask();
                        return;
                    }

                    await Task.Delay(PollInterval, ct);
                }
            });
        return final;
    }
}
