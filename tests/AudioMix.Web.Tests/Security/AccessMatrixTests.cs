using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AudioMix.Web.Security;
using AudioMix.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AudioMix.Web.Tests.Security;

/// <summary>
/// The 401/403/404 matrix over every endpoint the host maps (read from its <see cref="EndpointDataSource"/>, so an
/// endpoint added later is in the matrix without editing this test) for no key, a revoked key, a reader, a writer and
/// an admin of the data's owner, and a writer of another owner; over real HTTP against the real host in ApiKey mode.
/// </summary>
public sealed partial class AccessMatrixTests : SecuredHostTest
{

    [Fact]
    public async Task Every_endpoint_answers_401_403_or_404_as_the_key_role_and_owner_require()
    {
        var ct = TestContext.Current.CancellationToken;
        var reader = await SecuredPlatform.CreateKeyAsync(Factory, "alpha reader", "reader", "alpha", ct);
        var writer = await SecuredPlatform.CreateKeyAsync(Factory, "alpha writer", "writer", "alpha", ct);
        var other = await SecuredPlatform.CreateKeyAsync(Factory, "beta writer", "writer", "beta", ct);
        var admin = await SecuredPlatform.CreateKeyAsync(Factory, "ops admin", "admin", "ops", ct);
        var revoked = await SecuredPlatform.CreateKeyAsync(Factory, "alpha revoked", "writer", "alpha", ct);
        using (var bootstrap = SecuredPlatform.Client(Factory, SecuredPlatform.AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await bootstrap.DeleteAsync($"/api/keys/{revoked.Id}", ct)).StatusCode);
            var listed = await bootstrap.GetStringAsync("/api/keys", ct);
            Assert.Contains(revoked.Id, listed, StringComparison.Ordinal);
            Assert.DoesNotContain(writer.Key, listed, StringComparison.Ordinal);
        }

        // The owner's data: a dataset of two items and a finished job with outputs.
        using var writerClient = SecuredPlatform.Client(Factory, writer.Key);
        var data = await OwnedDataAsync(writerClient, ct);

        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToArray();
        var requests = new List<(RouteEndpoint Endpoint, string Method, string Path)>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                Assert.True(IsPublic(raw), $"{raw} allows anonymous callers but is not one of the public endpoints (health, sign-in, API description, static files)");
                continue;
            }

            foreach (var method in methods)
            {
                requests.Add((endpoint, method, Fill(raw, data)));
            }
        }

        // Everything the API offers is in the matrix (a sanity floor: the endpoints of this commit).
        Assert.True(requests.Count(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)) >= 24, $"only {requests.Count} protected endpoints found");
        using var none = SecuredPlatform.Client(Factory, null);
        using var revokedClient = SecuredPlatform.Client(Factory, revoked.Key);
        using var readerClient = SecuredPlatform.Client(Factory, reader.Key);
        using var otherClient = SecuredPlatform.Client(Factory, other.Key);
        using var adminClient = SecuredPlatform.Client(Factory, admin.Key);
        var failures = new List<string>();
        foreach (var (endpoint, method, path) in requests)
        {
            var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
            var isRead = method is "GET" or "HEAD" or "OPTIONS";
            var isKeys = path.StartsWith("/api/keys", StringComparison.Ordinal);
            var owned = endpoint.Metadata.GetMetadata<OwnedResource>() is not null
                && (path.Contains(data.DatasetId, StringComparison.Ordinal) || path.Contains(data.JobId, StringComparison.Ordinal));
            // An admin reaches every owner's data: a GET of it answers, except a made-up asset name ("x").
            var adminReaches = owned && method == "GET" && !path.Contains("/assets/", StringComparison.Ordinal);
            // Deleting the owner's data would end the matrix early: the owner's own deletes go to an id that does not exist.
            var ownerPath = method == "DELETE" ? path.Replace(data.DatasetId, "000000000000", StringComparison.Ordinal).Replace(data.JobId, "000000000000", StringComparison.Ordinal) : path;

            await Expect(none, method, path, s => Refused(s, isApi), "no key");
            await Expect(revokedClient, method, path, s => s == 401, "revoked key");
            await Expect(readerClient, method, path,
                s => isKeys || (isApi && !isRead) ? s == 403 : s is not (401 or 403), "reader of the owner");
            await Expect(writerClient, method, ownerPath, s => isKeys ? s == 403 : s is not (401 or 403), "writer of the owner");
            await Expect(otherClient, method, path,
                s => isKeys ? s == 403 : owned ? s == 404 : s is not (401 or 403), "writer of another owner");
            await Expect(adminClient, method, ownerPath, s => s is not (401 or 403) && !(adminReaches && s == 404), "admin");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count * 6} answers were wrong:\n{string.Join('\n', failures)}");

        // Lists: the other owner's are empty of the owner's ids; the owner's and the admin's hold them.
        Assert.DoesNotContain(data.DatasetId, await otherClient.GetStringAsync("/api/datasets", ct), StringComparison.Ordinal);
        Assert.DoesNotContain(data.JobId, await otherClient.GetStringAsync("/api/jobs", ct), StringComparison.Ordinal);
        Assert.Contains(data.DatasetId, await readerClient.GetStringAsync("/api/datasets", ct), StringComparison.Ordinal);
        Assert.Contains(data.JobId, await adminClient.GetStringAsync("/api/jobs", ct), StringComparison.Ordinal);
        var problem = await (await none.GetAsync("/api/datasets", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        async Task Expect(HttpClient client, string method, string path, Func<int, bool> ok, string who)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = RestScenario.Json("{}");
            }

            using var response = await client.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (!ok(status))
            {
                failures.Add($"{who}: {method} {path} answered {status}");
            }
        }
    }

    /// <summary>Without a (valid) key: 401 from the API, a redirect to the sign-in form from the dashboard.</summary>
    private static bool Refused(int status, bool isApi) => isApi ? status == 401 : status is 401 or 302;

    private static bool IsPublic(string route) =>
        route is "/api/health" or "/health" or "/signin" or "/account/signin"
        || route.StartsWith("/openapi/", StringComparison.Ordinal)
        || route.StartsWith("/scalar", StringComparison.Ordinal)
        || StaticFile().IsMatch(route);

    private static string Fill(string route, OwnedData data)
    {
        var collection = route.StartsWith("/api/jobs", StringComparison.Ordinal) ? data.JobId : data.DatasetId;
        return RouteParameter().Replace(route, m => m.Groups[1].Value switch
        {
            "id" => collection,
            "itemId" => data.ItemId,
            "index" => "0",
            _ => "x",
        });
    }

    private static async Task<OwnedData> OwnedDataAsync(HttpClient client, CancellationToken ct)
    {
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "alpha's", kind = "sound" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using var form = new MultipartFormDataContent();
        form.Add(WebTestAudio.File(WebTestAudio.Wav(440, seed: 1)), "files", "a.wav");
        form.Add(WebTestAudio.File(WebTestAudio.Wav(660, seed: 2)), "files", "b.wav");
        var upload = await RestScenario.UploadAsync(client, datasetId, form, ct);
        var itemId = upload.GetProperty("accepted")[0].GetProperty("itemId").GetString()!;
        var job = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 1, "operations": [{"op": "mixup", "params": {"count": 2}}]}"""), ct);
        Assert.Equal(HttpStatusCode.Created, job.StatusCode);
        var jobId = (await job.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        Assert.Equal("completed", (await RestScenario.PollAsync(client, jobId, ct)).GetProperty("state").GetString());
        return new OwnedData(datasetId, itemId, jobId);
    }

    private sealed record OwnedData(string DatasetId, string ItemId, string JobId);

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    // Static web assets: a path ending in a file name with an extension, without route parameters.
    [GeneratedRegex(@"^/[^{}]*\.[A-Za-z0-9]+$")]
    private static partial Regex StaticFile();
}
