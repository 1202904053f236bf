using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Web.Tests.Security;

/// <summary>
/// A real host in <c>AudioMix:Auth:Mode=ApiKey</c> with a bootstrap admin key, and helpers to make keys and clients
/// that send them. Each test class makes its own (fresh data directory, free ports).
/// </summary>
public static class SecuredPlatform
{
    /// <summary>The bootstrap admin key of test hosts (≥ 32 characters).</summary>
    public const string AdminKey = "test-bootstrap-admin-key-0123456789abcdef";

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AudioMix:Auth:Mode"] = "ApiKey",
            ["AudioMix:Auth:AdminKey"] = AdminKey,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// A client of the host's Kestrel address sending <paramref name="key"/> as a bearer token (none: no key); it neither
    /// follows redirects (a refused dashboard page answers 302 to the sign-in form) nor keeps cookies.
    /// </summary>
    public static HttpClient Client(PlatformFactory factory, string? key)
    {
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Makes a key through <c>POST /api/keys</c> with the bootstrap admin; answers (id, key).</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(PlatformFactory factory, string name, string role, string owner, CancellationToken ct)
    {
        using var admin = Client(factory, AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/keys", new { name, role, owner }, ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }
}
