using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioMix.Captions.Tests.Infrastructure;

/// <summary>One scripted answer of the fake server.</summary>
/// <param name="Content">The assistant message content (ignored when <paramref name="RawBody"/> is set).</param>
/// <param name="Status">HTTP status to answer with.</param>
/// <param name="Delay">How long to wait before answering (timeouts).</param>
/// <param name="RawBody">A whole response body instead of a chat-completion envelope.</param>
internal sealed record ScriptedReply(string Content, int Status = 200, TimeSpan Delay = default, string? RawBody = null)
{
    public static ScriptedReply Captions(params string[] captions) =>
        new(new JsonObject { ["captions"] = new JsonArray(captions.Select(c => (JsonNode)c!).ToArray()) }.ToJsonString());

    public static ScriptedReply ServerError() => new(string.Empty, 500, RawBody: "{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}");
}

/// <summary>
/// A real HTTP server on loopback speaking the OpenAI chat-completions protocol (<c>POST …/chat/completions</c>)
/// with scripted replies, so the LLM merger is tested through the actual SDK, HTTP stack and timeouts. Replies
/// come from the script in order; once it is used up, <see cref="Responder"/> answers (when set).
/// </summary>
internal sealed class FakeChatServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeChatServer(params ScriptedReply[] script)
    {
        foreach (var reply in script)
        {
            _script.Enqueue(reply);
        }

        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The base URL to configure as the endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}/v1";

    /// <summary>Answers requests once the script is used up: gets the two captions of the user message.</summary>
    public Func<string, string, ScriptedReply>? Responder { get; set; }

    /// <summary>Request bodies received, in order.</summary>
    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    /// <summary>Authorization headers received.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    /// <summary>Builds a reply naming both captions joined by "while" (a valid merge when both are short clauses).</summary>
    public static ScriptedReply JoinWithWhile(string first, string second) =>
        ScriptedReply.Captions($"{first.TrimEnd('.', ' ')} while {char.ToLowerInvariant(second[0])}{second[1..].TrimEnd('.', ' ')}.");

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync().ConfigureAwait(false);
            if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal) != true)
            {
                await WriteAsync(context, 404, "{\"error\":{\"message\":\"not found\"}}").ConfigureAwait(false);
                return;
            }

            var request = JsonNode.Parse(body)!;
            Requests.Enqueue(request);
            Authorizations.Enqueue(context.Request.Headers["Authorization"]);
            ScriptedReply reply;
            if (!_script.TryDequeue(out reply!))
            {
                var user = request["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
                var lines = user.Split('\n');
                var first = lines[0]["Caption 1: ".Length..];
                var second = lines[1]["Caption 2: ".Length..];
                reply = Responder?.Invoke(first, second) ?? ScriptedReply.ServerError();
            }

            if (reply.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var payload = reply.RawBody ?? new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = request["model"]?.GetValue<string>() ?? "fake",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
            }.ToJsonString();
            await WriteAsync(context, reply.Status, payload).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or JsonException)
        {
            // The client went away (it timed out) or sent something unparsable; nothing to answer.
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
