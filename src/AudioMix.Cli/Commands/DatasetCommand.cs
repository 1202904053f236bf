using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioMix.Cli.Remote;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix dataset create|upload|rename|delete</c>: datasets on an AudioMix server.</summary>
internal static class DatasetCommand
{
    public static Command Create(CliConsole console) => new("dataset", "Create datasets and upload audio to an AudioMix server.")
    {
        CreateCommand(console),
        UploadCommand(console),
        RenameCommand(console),
        DeleteCommand(console),
    };

    private static Command RenameCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Dataset id." };
        var name = new Option<string>("--name") { Description = "The new name.", Required = true };
        var server = ServerOption.Create();
        var command = new Command("rename", "Rename a dataset.") { id, name, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            var dataset = await client.RenameDatasetAsync(parse.GetValue(id)!, parse.GetValue(name)!, ct);
            console.Out.WriteLine($"dataset {dataset.GetProperty("id").GetString()} is now \"{dataset.GetProperty("name").GetString()}\"");
            return 0;
        }));
        return command;
    }

    private static Command DeleteCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Dataset id." };
        var server = ServerOption.Create();
        var command = new Command("delete", "Delete a dataset and its audio (refused while unfinished jobs use it; finished jobs keep their outputs).") { id, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            await client.DeleteAsync("datasets", parse.GetValue(id)!, ct);
            console.Out.WriteLine($"dataset {parse.GetValue(id)} deleted");
            return 0;
        }));
        return command;
    }

    private static Command CreateCommand(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "Dataset name.", Required = true };
        var kind = new Option<string>("--kind") { Description = "music, speech or sound.", DefaultValueFactory = _ => "sound" };
        kind.AcceptOnlyFromAmong("music", "speech", "sound");
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer instead of the id." };
        var server = ServerOption.Create();
        var command = new Command("create", "Create a dataset; prints its id.") { name, kind, json, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            var dataset = await client.CreateDatasetAsync(parse.GetValue(name)!, parse.GetValue(kind)!, ct);
            console.Out.WriteLine(parse.GetValue(json) ? dataset.GetRawText() : dataset.GetProperty("id").GetString());
            return 0;
        }));
        return command;
    }

    private static Command UploadCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Dataset id." };
        var paths = new Argument<string[]>("paths") { Description = "Audio files, or folders (uploaded recursively; metadata.jsonl/metadata.csv label the files).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer." };
        var server = ServerOption.Create();
        var command = new Command("upload", "Upload audio files to a dataset; prints what was accepted and what was rejected, with reasons.") { id, paths, json, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            var files = Expand(parse.GetValue(paths)!);
            using var client = server.Connect(parse);
            var (ok, body) = await client.UploadAsync(parse.GetValue(id)!, files, ct);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(body.GetRawText());
            }
            else
            {
                Print(console, body);
            }

            if (!ok)
            {
                console.Error.WriteLine($"error: none of the {files.Count} files was accepted");
                return CliConsole.InputError;
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Files as named, folders recursively (hidden entries skipped), in a stable order.</summary>
    internal static List<FileInfo> Expand(IEnumerable<string> paths)
    {
        var files = new List<FileInfo>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(new FileInfo(path));
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new FileInfo(f)));
            }
            else
            {
                throw new FileNotFoundException($"{path}: no such file or folder.");
            }
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("nothing to upload: the folders named are empty.");
        }

        return files;
    }

    private static void Print(CliConsole console, JsonElement body)
    {
        var inv = CultureInfo.InvariantCulture;
        var accepted = body.TryGetProperty("accepted", out var a) ? a.EnumerateArray().ToList() : [];
        var rejected = body.TryGetProperty("rejected", out var r) ? r.EnumerateArray().ToList() : [];
        foreach (var item in accepted)
        {
            console.Out.WriteLine(string.Create(inv,
                $"accepted  {item.GetProperty("fileName").GetString()}  {item.GetProperty("duration").GetDouble():0.00} s  {item.GetProperty("sampleRate").GetInt32()} Hz  {item.GetProperty("channels").GetInt32()} ch  -> {item.GetProperty("itemId").GetString()}"));
        }

        foreach (var item in rejected)
        {
            console.Out.WriteLine($"rejected  {item.GetProperty("fileName").GetString()}: {item.GetProperty("error").GetString()}");
        }

        console.Out.WriteLine(string.Create(inv, $"{accepted.Count} accepted, {rejected.Count} rejected"));
    }
}
