using System.Diagnostics;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Tests.Infrastructure;

namespace AudioMix.Captions.Tests.Merging;

/// <summary>The LLM path through the real OpenAI SDK against a chat-completions server on loopback.</summary>
public sealed class LlmCaptionMergerTests
{
    private const string First = "A dog barks";
    private const string Second = "Rain falls on a roof";

    private static LlmCaptionMergerOptions Options(FakeChatServer server, double timeout = 5, int retries = 2) => new()
    {
        Endpoint = server.Endpoint,
        Model = "fake-model",
        ApiKey = "sk-test",
        TimeoutSeconds = timeout,
        MaxRetries = retries,
        RetryDelaySeconds = 0,
        Variants = 2,
    };

    private static Task<CaptionMergeResult> MergeAsync(FakeChatServer server, LlmCaptionMergerOptions options, int variants = 2)
    {
        var merger = LlmCaptionMerger.Create(options);
        return MergeAndDisposeAsync(merger, variants);
    }

    private static async Task<CaptionMergeResult> MergeAndDisposeAsync(LlmCaptionMerger merger, int variants)
    {
        using (merger)
        {
            return await merger.MergeAsync(new CaptionMergeRequest(First, Second, variants), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_good_reply_yields_the_variants_and_the_request_carries_prompt_model_and_key()
    {
        await using var server = new FakeChatServer(ScriptedReply.Captions("A dog barks while rain falls on a roof.", "rain falls on a roof as a dog barks"));
        var result = await MergeAsync(server, Options(server));
        Assert.Equal(["A dog barks while rain falls on a roof.", "Rain falls on a roof as a dog barks."], result.Captions);
        Assert.Empty(result.Rejected);
        Assert.Equal("llm:fake-model", result.Merger);

        var request = Assert.Single(server.Requests);
        Assert.Equal("fake-model", request["model"]!.GetValue<string>());
        var messages = request["messages"]!.AsArray();
        Assert.Contains("8 to 20 words", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("do not add any sound", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Caption 1: A dog barks\nCaption 2: Rain falls on a roof\nVariants: 2", messages[1]!["content"]!.GetValue<string>());
        Assert.Equal("Bearer sk-test", Assert.Single(server.Authorizations));
    }

    [Fact]
    public async Task Malformed_json_is_rejected_and_retried()
    {
        await using var server = new FakeChatServer(
            new ScriptedReply("{\"captions\": [\"A dog barks while rain"),
            ScriptedReply.Captions("A dog barks while rain falls on a roof.", "A dog barks as rain falls on a roof."));
        var result = await MergeAsync(server, Options(server));
        Assert.Equal(2, result.Captions.Count);
        var rejected = Assert.Single(result.Rejected);
        Assert.Contains("malformed", rejected.Reason, StringComparison.Ordinal);
        Assert.StartsWith("{\"captions\"", rejected.Reply, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Overlong_missing_content_invented_sound_and_refusal_replies_are_rejected_with_reasons()
    {
        await using var server = new FakeChatServer(ScriptedReply.Captions(
            "In a quiet suburban neighbourhood late at night a small dog barks again and again while heavy rain keeps falling steadily on a metal roof above the porch.",
            "A dog barks in the night.",
            "A dog barks while rain falls on a roof and a siren wails.",
            "I'm sorry, but I cannot help with that request today.",
            "A dog barks while rain falls on a roof."));
        var result = await MergeAsync(server, Options(server, retries: 0), variants: 2);
        Assert.Equal(["A dog barks while rain falls on a roof."], result.Captions);
        Assert.Equal(4, result.Rejected.Count);
        Assert.Contains("words, outside 6–24", result.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("misses words of the source captions: rain, falls, roof", result.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("names sounds neither caption mentions: siren", result.Rejected[2].Reason, StringComparison.Ordinal);
        Assert.Equal("refusal", result.Rejected[3].Reason);
    }

    [Fact]
    public async Task A_slow_reply_times_out_and_the_retry_succeeds()
    {
        await using var server = new FakeChatServer(
            new ScriptedReply(ScriptedReply.Captions("A dog barks while rain falls on a roof.").Content, Delay: TimeSpan.FromSeconds(10)),
            ScriptedReply.Captions("A dog barks while rain falls on a roof.", "Rain falls on a roof while a dog barks."));
        var clock = Stopwatch.StartNew();
        var result = await MergeAsync(server, Options(server, timeout: 0.5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(2, result.Captions.Count);
        Assert.Contains("no reply within 0.5 s", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_retried_then_succeeds()
    {
        await using var server = new FakeChatServer(ScriptedReply.ServerError(), ScriptedReply.Captions("A dog barks while rain falls on a roof.", "A dog barks as rain falls on a roof."));
        var result = await MergeAsync(server, Options(server));
        Assert.Equal(2, result.Captions.Count);
        Assert.Contains("request failed", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Retries_stop_at_the_limit_and_return_no_captions_with_every_failure_listed()
    {
        await using var server = new FakeChatServer(ScriptedReply.ServerError(), ScriptedReply.ServerError(), ScriptedReply.ServerError(), ScriptedReply.ServerError());
        var result = await MergeAsync(server, Options(server, retries: 2));
        Assert.Empty(result.Captions);
        Assert.Equal(3, result.Rejected.Count);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Too_few_valid_variants_asks_again_for_the_rest()
    {
        await using var server = new FakeChatServer(
            ScriptedReply.Captions("A dog barks while rain falls on a roof.", "A dog barks."),
            ScriptedReply.Captions("A dog barks while rain falls on a roof.", "Rain falls on a roof as a dog barks."));
        var result = await MergeAsync(server, Options(server));
        Assert.Equal(["A dog barks while rain falls on a roof.", "Rain falls on a roof as a dog barks."], result.Captions);
        Assert.Equal(2, result.Rejected.Count);
        Assert.Contains("duplicate", result.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.EndsWith("Variants: 1", server.Requests.Last()["messages"]![1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "m", "Endpoint")]
    [InlineData("ftp://host/v1", "m", "Endpoint")]
    [InlineData("http://127.0.0.1:1/v1", "", "Model")]
    public void Bad_configuration_is_refused_naming_the_setting(string? endpoint, string model, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => LlmCaptionMerger.Create(new LlmCaptionMergerOptions { Endpoint = endpoint, Model = model }));
        Assert.Contains("AudioMix:Captions:Llm:" + setting, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LlmCaptionMergerOptions { Endpoint = "http://x/v1", Model = "m", TimeoutSeconds = 0 }.Validate());
    }

    [Theory]
    [InlineData("```json\n{\"captions\": [\"a\", \"b\"]}\n```", 2)]
    [InlineData("[\"only one\"]", 1)]
    [InlineData("{\"text\": \"x\"}", 0)]
    [InlineData("no json here", 0)]
    public void Replies_are_parsed_tolerantly(string reply, int count) =>
        Assert.Equal(count, LlmCaptionMerger.ParseReply(reply)?.Count ?? 0);
}
