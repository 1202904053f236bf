namespace AudioMix.Captions.Merging;

/// <summary>
/// The OpenAI-compatible chat endpoint used to merge captions (configuration section <see cref="SectionName"/>).
/// Any server speaking the chat-completions protocol works (OpenAI, Azure OpenAI's v1 endpoint, vLLM, Ollama, llama.cpp).
/// </summary>
public sealed class LlmCaptionMergerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "AudioMix:Captions:Llm";

    /// <summary>Base URL of the API, e.g. <c>https://api.openai.com/v1</c>; requests go to <c>{Endpoint}/chat/completions</c>. Null: no LLM merging.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Model name sent with each request.</summary>
    public string? Model { get; set; }

    /// <summary>Bearer key; local servers that need none may leave it empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Time allowed for one request before it counts as a failed attempt.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Merged variants wanted per pair.</summary>
    public int Variants { get; set; } = 3;

    /// <summary>Further requests after the first when a reply fails (error, timeout, malformed or too few valid variants).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Pause before retry k is k times this many seconds.</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>Shortest accepted reply in words (the prompt asks for about 8–20, Clotho's caption lengths).</summary>
    public int MinWords { get; set; } = 6;

    /// <summary>Longest accepted reply in words.</summary>
    public int MaxWords { get; set; } = 24;

    /// <summary>Sampling temperature (variants need some).</summary>
    public double Temperature { get; set; } = 0.7;

    /// <summary>Asks for <c>response_format: json_object</c>; turn off for servers that reject it.</summary>
    public bool JsonResponseFormat { get; set; } = true;

    /// <summary>True when an endpoint is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting (with its configuration key).</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{SectionName}:Endpoint must be an absolute http(s) URL (got '{Endpoint}').", nameof(Endpoint));
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException($"{SectionName}:Model is required when an endpoint is configured.", nameof(Model));
        }

        Require(TimeoutSeconds is > 0 and <= 600, nameof(TimeoutSeconds), $"TimeoutSeconds must be in (0, 600] (got {TimeoutSeconds})");
        Require(Variants is >= 1 and <= 10, nameof(Variants), $"Variants must be in 1..10 (got {Variants})");
        Require(MaxRetries is >= 0 and <= 10, nameof(MaxRetries), $"MaxRetries must be in 0..10 (got {MaxRetries})");
        Require(RetryDelaySeconds is >= 0 and <= 60, nameof(RetryDelaySeconds), $"RetryDelaySeconds must be in [0, 60] (got {RetryDelaySeconds})");
        Require(MinWords >= 1 && MaxWords >= MinWords && MaxWords <= 100, nameof(MinWords), $"MinWords..MaxWords must be a range within 1..100 (got {MinWords}..{MaxWords})");
        Require(Temperature is >= 0 and <= 2, nameof(Temperature), $"Temperature must be in [0, 2] (got {Temperature})");
    }

    private static void Require(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentException($"{SectionName}:{message}.", name);
        }
    }
}
