using System.CommandLine;
using System.Text.Json;
using AudioMix.Cli.Remote;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix keys create|list|revoke</c>: API keys of an AudioMix server (needs an admin key).</summary>
internal static class KeysCommand
{
    public static Command Create(CliConsole console) => new("keys", "Create, list and revoke API keys of an AudioMix server (admin key needed).")
    {
        CreateCommand(console),
        ListCommand(console),
        RevokeCommand(console),
    };

    private static Command CreateCommand(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var role = new Option<string>("--role") { Description = "reader, writer or admin.", Required = true };
        role.AcceptOnlyFromAmong("reader", "writer", "admin");
        var owner = new Option<string>("--owner") { Description = "The owner (tenant) whose datasets and jobs the key sees and creates.", Required = true };
        var server = ServerOption.Create();
        var command = new Command("create", "Create a key; prints it once (it is stored only as a salted hash).") { name, role, owner, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            var created = await client.CreateKeyAsync(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(owner)!, ct);
            console.Out.WriteLine(created.GetProperty("key").GetString());
            console.Error.WriteLine($"key {created.GetProperty("id").GetString()} ({created.GetProperty("role").GetString()}, owner {created.GetProperty("owner").GetString()}): keep it now, it cannot be shown again");
            return 0;
        }));
        return command;
    }

    private static Command ListCommand(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer." };
        var server = ServerOption.Create();
        var command = new Command("list", "List keys (id, role, owner, name, created, revoked); never secrets.") { json, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            var keys = await client.ListKeysAsync(ct);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(keys));
                return 0;
            }

            foreach (var key in keys.EnumerateArray())
            {
                var revoked = key.GetProperty("revokedAt") is { ValueKind: JsonValueKind.String } at ? $"revoked {at.GetString()}" : "active";
                console.Out.WriteLine($"{key.GetProperty("id").GetString()}  {key.GetProperty("role").GetString(),-6}  {key.GetProperty("owner").GetString()}  \"{key.GetProperty("name").GetString()}\"  created {key.GetProperty("createdAt").GetString()}  {revoked}");
            }

            return 0;
        }));
        return command;
    }

    private static Command RevokeCommand(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Key id (from `keys list`)." };
        var server = ServerOption.Create();
        var command = new Command("revoke", "Revoke a key: it authenticates nothing from now on.") { id, server };
        command.SetAction((parse, ct) => console.RunAsync(async () =>
        {
            using var client = server.Connect(parse);
            await client.DeleteAsync("keys", parse.GetValue(id)!, ct);
            console.Out.WriteLine($"key {parse.GetValue(id)} revoked");
            return 0;
        }));
        return command;
    }
}
