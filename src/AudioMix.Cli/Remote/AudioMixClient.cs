using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AudioMix.Cli.Remote;

/// <summary>
/// The REST calls the CLI makes against an AudioMix server. Answers are parsed JSON; error answers
/// (problem+json) become an <see cref="AudioMixServerException"/> whose message is one readable line.
/// </summary>
internal sealed class AudioMixClient : IDisposable
{
    /// <summary>Environment variable that overrides the default server address.</summary>
    public const string ServerVariable = "AUDIOMIX_SERVER";

    /// <summary>Environment variable holding the API key when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "AUDIOMIX_API_KEY";

    /// <summary>The address of a server started with the default settings.</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    private readonly HttpClient _http;

    public AudioMixClient(Uri server, string? apiKey = null)
    {
        // Uploads and --wait can take as long as they take; the caller's cancellation token bounds them.
        _http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        Server = server;
    }

    public Uri Server { get; }

    /// <summary>The server from the option, else <c>AUDIOMIX_SERVER</c>, else the default; must be an absolute http(s) URL.</summary>
    public static Uri ResolveServer(string? option)
    {
        var text = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(ServerVariable) : option;
        text = string.IsNullOrWhiteSpace(text) ? DefaultServer : text.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--server \"{text}\" is not an http:// or https:// URL.");
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>The key from the option, else <c>AUDIOMIX_API_KEY</c>, else none (a server in auth mode None needs none).</summary>
    public static string? ResolveApiKey(string? option)
    {
        var text = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : option;
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary><c>POST /api/keys</c>: makes a key; the answer holds the key itself, shown this once.</summary>
    public Task<JsonElement> CreateKeyAsync(string name, string role, string owner, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "api/keys", JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["role"] = role, ["owner"] = owner }), ct);

    /// <summary><c>GET /api/keys</c>: every key without secrets.</summary>
    public Task<JsonElement> ListKeysAsync(CancellationToken ct) => SendJsonAsync(HttpMethod.Get, "api/keys", null, ct);

    public Task<JsonElement> CreateDatasetAsync(string name, string kind, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "api/datasets", JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["kind"] = kind }), ct);

    /// <summary>Streams the files as one multipart request; a 422 (nothing usable) is returned, not thrown, so callers can list the reasons.</summary>
    public async Task<(bool Ok, JsonElement Body)> UploadAsync(string datasetId, IReadOnlyList<FileInfo> files, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var streams = new List<FileStream>();
        try
        {
            foreach (var file in files)
            {
                var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                streams.Add(stream);
                var part = new StreamContent(stream, 81920);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "files", file.Name);
            }

            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"api/datasets/{Uri.EscapeDataString(datasetId)}/items") { Content = form }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode == 422)
            {
                return (false, Parse(body));
            }

            EnsureSuccess(response, body);
            return (true, Parse(body));
        }
        finally
        {
            foreach (var s in streams)
            {
                await s.DisposeAsync();
            }
        }
    }

    public Task<JsonElement> StartJobAsync(string recipeJson, CancellationToken ct) => SendJsonAsync(HttpMethod.Post, "api/jobs", recipeJson, ct);

    /// <summary><c>PATCH /api/datasets/{id}</c>: renames a dataset; answers its summary.</summary>
    public Task<JsonElement> RenameDatasetAsync(string datasetId, string name, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Patch, $"api/datasets/{Uri.EscapeDataString(datasetId)}", JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }), ct);

    /// <summary><c>DELETE /api/{collection}/{id}</c>: deletes a dataset or job, or revokes a key (<paramref name="collection"/> is datasets, jobs or keys).</summary>
    public async Task DeleteAsync(string collection, string id, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/{collection}/{Uri.EscapeDataString(id)}"), ct);
        EnsureSuccess(response, await response.Content.ReadAsStringAsync(ct));
    }

    public Task<JsonElement> JobAsync(string jobId, CancellationToken ct) => SendJsonAsync(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}", null, ct);

    /// <summary>Copies the job's manifest (JSON lines) into <paramref name="destination"/>.</summary>
    public async Task DownloadManifestAsync(string jobId, Stream destination, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}/manifest"), ct, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            EnsureSuccess(response, await response.Content.ReadAsStringAsync(ct));
        }

        await response.Content.CopyToAsync(destination, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        EnsureSuccess(response, body);
        return Parse(body);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, completion, ct);
            }
            catch (HttpRequestException ex)
            {
                throw new AudioMixServerException($"cannot reach the AudioMix server at {Server}: {ex.Message} (set --server or {ServerVariable})", null, ex);
            }
        }
    }

    private static JsonElement Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new AudioMixServerException($"the server's answer is not JSON: {Shorten(body)}", null, ex);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string body)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw new AudioMixServerException(Describe(response, body), (int)response.StatusCode);
    }

    /// <summary>One line: "server: 404 Not Found: Dataset x does not exist." from problem details, or the body's start.</summary>
    internal static string Describe(HttpResponseMessage response, string body)
    {
        var status = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase}");
        string? detail = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                detail = Text(root, "detail") ?? Text(root, "title");
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    var list = errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(v => $"{e.Name}: {v.GetString()}"));
                    detail = string.Join("; ", new[] { detail }.Concat(list).Where(s => !string.IsNullOrEmpty(s)));
                }
            }
        }
        catch (JsonException)
        {
            detail = string.IsNullOrWhiteSpace(body) ? null : Shorten(body);
        }

        return detail is null ? $"server: {status}" : $"server: {status}: {OneLine(detail)}";
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string Shorten(string text)
    {
        var line = OneLine(text);
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
