using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AudioMix.Storage.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioMix.Web.Tests.Security;

/// <summary>
/// Key secrets appear nowhere but in the one answer that creates them: not in any log line (every category at Trace,
/// while keys are created, used, refused and revoked), not in any stored blob (the whole data directory is scanned),
/// and the store holds the key's salted hash instead. Keys live in the platform's storage: on Azure Blob too, and a
/// restarted host still knows them.
/// </summary>
public sealed class KeySecrecyTests
{
    [Fact]
    public async Task Secrets_are_never_logged_nor_stored_in_clear()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        await using var factory = new PlatformFactory(settings: SecuredPlatform.Settings(("Logging:LogLevel:Default", "Trace")))
        {
            Configure = b => b.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)),
        };
        try
        {
            factory.StartServer();
            var (id, key) = await SecuredPlatform.CreateKeyAsync(factory, "secret keeper", "writer", "alpha", ct);
            Assert.StartsWith($"amk_{id}_", key, StringComparison.Ordinal);
            Assert.True(key.Length - $"amk_{id}_".Length >= 43, "the secret part carries at least 256 bits (43 base64url characters)");
            using (var client = SecuredPlatform.Client(factory, key))
            {
                Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/datasets", new { name = "logged?" }, ct)).StatusCode);
            }

            // A wrong secret for a real id, and the key sent as X-Api-Key after it was revoked: both refused.
            using (var wrong = SecuredPlatform.Client(factory, $"amk_{id}_{new string('A', 43)}"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/datasets", ct)).StatusCode);
            }

            using (var admin = SecuredPlatform.Client(factory, SecuredPlatform.AdminKey))
            {
                Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{id}", ct)).StatusCode);
            }

            using (var revoked = SecuredPlatform.Client(factory, null))
            {
                revoked.DefaultRequestHeaders.Add("X-Api-Key", key);
                Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/datasets", ct)).StatusCode);
            }

            var secret = key[$"amk_{id}_".Length..];
            var logText = logs.Text;
            Assert.Contains(id, logText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logText, StringComparison.Ordinal);
            Assert.DoesNotContain(SecuredPlatform.AdminKey, logText, StringComparison.Ordinal);

            // Every stored file: the key's record is there (its id), its secret and the admin key are not.
            var stored = Directory.EnumerateFiles(factory.DataDirectory, "*", SearchOption.AllDirectories)
                .Select(f => (File: f, Text: Encoding.UTF8.GetString(File.ReadAllBytes(f)))).ToArray();
            var record = Assert.Single(stored, s => s.Text.Contains(id, StringComparison.Ordinal) && s.Text.Contains("secret keeper", StringComparison.Ordinal));
            Assert.Contains("Hash", record.Text, StringComparison.Ordinal);
            Assert.All(stored, s =>
            {
                Assert.DoesNotContain(secret, s.Text, StringComparison.Ordinal);
                Assert.DoesNotContain(SecuredPlatform.AdminKey, s.Text, StringComparison.Ordinal);
            });
        }
        finally
        {
            factory.DeleteData();
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public string Text => string.Join('\n', _lines);

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>On Azure Blob storage (Azurite): a key made before a restart works after it; a revoked one does not.</summary>
public sealed class KeyStoreAzureBlobTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Keys_are_kept_in_blob_storage_across_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = SecuredPlatform.Settings(
            ("AudioMix:Storage:Provider", "AzureBlob"),
            ("AudioMix:Storage:ConnectionString", azurite.ConnectionString),
            ("AudioMix:Storage:Container", AzuriteFixture.NewContainerName("keys")));
        string key, revokedKey;
        await using (var first = new PlatformFactory(settings: settings))
        {
            first.StartServer();
            (_, key) = await SecuredPlatform.CreateKeyAsync(first, "kept", "reader", "alpha", ct);
            string revokedId;
            (revokedId, revokedKey) = await SecuredPlatform.CreateKeyAsync(first, "dropped", "reader", "alpha", ct);
            using var admin = SecuredPlatform.Client(first, SecuredPlatform.AdminKey);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{revokedId}", ct)).StatusCode);
            first.DeleteData();
        }

        await using var second = new PlatformFactory(settings: settings);
        second.StartServer();
        using var kept = SecuredPlatform.Client(second, key);
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync("/api/datasets", ct)).StatusCode);
        using var dropped = SecuredPlatform.Client(second, revokedKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dropped.GetAsync("/api/datasets", ct)).StatusCode);
        var listed = await second.Services.GetRequiredService<AudioMix.Web.Security.ApiKeyStore>().ListAsync();
        Assert.Equal(["dropped", "kept"], listed.Select(k => k.Name).Order(StringComparer.Ordinal));
        second.DeleteData();
    }
}
