namespace AudioMix.Cli.Tests;

/// <summary>`audiomix keys create|list|revoke` and `--api-key` on the remote commands, against a real server in ApiKey mode.</summary>
public sealed class KeysCommandTests : IAsyncLifetime
{
    private const string AdminKey = "cli-test-bootstrap-admin-key-0123456789abcdef";
    private readonly PlatformFactory _factory = new(settings: new Dictionary<string, string?>
    {
        ["AudioMix:Auth:Mode"] = "ApiKey",
        ["AudioMix:Auth:AdminKey"] = AdminKey,
    });

    private string _url = "";

    public ValueTask InitializeAsync()
    {
        _factory.StartServer();
        using var client = _factory.CreateClient();
        _url = client.BaseAddress!.ToString();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteData();
    }

    [Fact]
    public async Task Keys_are_created_listed_without_secrets_and_revoked_and_every_remote_command_sends_its_key()
    {
        // Without a key the server refuses, and the CLI says so in one line.
        var (exit, _, error) = await RunAsync("dataset", "create", "--name", "nokey", "--server", _url);
        Assert.NotEqual(0, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);

        (exit, var key, error) = await RunAsync("keys", "create", "--name", "cli writer", "--role", "writer", "--owner", "alpha", "--server", _url, "--api-key", AdminKey);
        Assert.True(exit == 0, error);
        key = key.Trim();
        Assert.StartsWith("amk_", key, StringComparison.Ordinal);
        Assert.Contains("cannot be shown again", error, StringComparison.Ordinal);

        // A writer key creates a dataset; it may not manage keys.
        (exit, var datasetId, error) = await RunAsync("dataset", "create", "--name", "with a key", "--server", _url, "--api-key", key);
        Assert.True(exit == 0, error);
        Assert.Matches("^[0-9a-f]{12}$", datasetId.Trim());
        (exit, _, error) = await RunAsync("keys", "list", "--server", _url, "--api-key", key);
        Assert.NotEqual(0, exit);
        Assert.Contains("403", error, StringComparison.Ordinal);

        (exit, var listed, error) = await RunAsync("keys", "list", "--server", _url, "--api-key", AdminKey);
        Assert.True(exit == 0, error);
        var id = key["amk_".Length..("amk_".Length + 12)];
        Assert.Contains($"{id}  writer  alpha  \"cli writer\"", listed, StringComparison.Ordinal);
        Assert.Contains("active", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);

        (exit, var revoked, error) = await RunAsync("keys", "revoke", id, "--server", _url, "--api-key", AdminKey);
        Assert.True(exit == 0, error);
        Assert.Contains($"key {id} revoked", revoked, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("job", "status", "whatever", "--server", _url, "--api-key", key);
        Assert.NotEqual(0, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RemoteCommandTests.RunAsync(args);
}
