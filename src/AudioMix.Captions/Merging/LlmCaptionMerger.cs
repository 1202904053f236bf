using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using AudioMix.Captions.Text;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;

namespace AudioMix.Captions.Merging;

/// <summary>
/// Merges captions through an LLM behind <see cref="IChatClient"/>, as Wu et al. 2023 did with ChatGPT: the
/// model is asked for several grammatical, compact combinations of the two captions; each reply is validated
/// (parsable, one sentence of the configured length, keeps the key words of both captions, names no sound that
/// neither caption mentions) and failures are kept with their reason. Failed requests, timeouts and replies
/// with too few valid variants are retried up to <see cref="LlmCaptionMergerOptions.MaxRetries"/> times.
/// </summary>
public sealed class LlmCaptionMerger : ICaptionMerger, IDisposable
{
    private static readonly string[] RefusalStarts = ["i'm sorry", "i am sorry", "i cannot", "i can't", "as an ai", "sorry,", "i apologize"];

    private readonly IChatClient _client;
    private readonly LlmCaptionMergerOptions _options;
    private readonly bool _ownsClient;

    /// <summary>Uses <paramref name="client"/> (not disposed by this merger).</summary>
    public LlmCaptionMerger(IChatClient client, LlmCaptionMergerOptions options)
        : this(client, options, ownsClient: false)
    {
    }

    private LlmCaptionMerger(IChatClient client, LlmCaptionMergerOptions options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
        _ownsClient = ownsClient;
    }

    /// <summary>
    /// A merger talking to the configured OpenAI-compatible endpoint. The SDK's own retries are turned off so
    /// the attempt count, timeout and rejected list are this class's.
    /// </summary>
    public static LlmCaptionMerger Create(LlmCaptionMergerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint!),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
        };
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey;
        var chat = new ChatClient(options.Model, new ApiKeyCredential(key), clientOptions).AsIChatClient();
        return new LlmCaptionMerger(chat, options, ownsClient: true);
    }

    /// <inheritdoc />
    public string Name => "llm:" + _options.Model;

    /// <inheritdoc />
    public async Task<CaptionMergeResult> MergeAsync(CaptionMergeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wanted = request.Variants > 0 ? request.Variants : _options.Variants;
        var accepted = new List<string>();
        var rejected = new List<RejectedCaption>();
        var timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds);
        for (var attempt = 0; attempt <= _options.MaxRetries && accepted.Count < wanted; attempt++)
        {
            if (attempt > 0 && _options.RetryDelaySeconds > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(_options.RetryDelaySeconds * attempt), cancellationToken).ConfigureAwait(false);
            }

            string text;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                var response = await _client.GetResponseAsync(Messages(request.First, request.Second, wanted - accepted.Count), ChatOptions(), deadline.Token).ConfigureAwait(false);
                text = response.Text;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || ex.InnerException is OperationCanceledException or TimeoutException || ex is TimeoutException))
            {
                rejected.Add(new RejectedCaption(string.Empty, string.Create(CultureInfo.InvariantCulture, $"attempt {attempt + 1}: no reply within {_options.TimeoutSeconds:0.###} s")));
                continue;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is ClientResultException or HttpRequestException or IOException or InvalidOperationException or JsonException)
            {
                rejected.Add(new RejectedCaption(string.Empty, $"attempt {attempt + 1}: request failed: {ex.Message}"));
                continue;
            }

            if (ParseReply(text) is not { } candidates)
            {
                rejected.Add(new RejectedCaption(text, $"attempt {attempt + 1}: malformed reply (expected JSON {{\"captions\": [\"...\"]}})"));
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (accepted.Count == wanted)
                {
                    break;
                }

                var caption = BuiltInCaptionMerger.Finish(candidate);
                if (Check(candidate, request.First, request.Second) is { } reason)
                {
                    rejected.Add(new RejectedCaption(candidate, reason));
                }
                else if (accepted.Contains(caption, StringComparer.OrdinalIgnoreCase))
                {
                    rejected.Add(new RejectedCaption(candidate, "duplicate of an accepted variant"));
                }
                else
                {
                    accepted.Add(caption);
                }
            }
        }

        return new CaptionMergeResult(Name, accepted, rejected);
    }

    /// <summary>Why <paramref name="candidate"/> is not an acceptable merge of the two captions, or null when it is.</summary>
    internal string? Check(string candidate, string first, string second)
    {
        var text = candidate.Trim();
        if (text.Length == 0)
        {
            return "empty";
        }

        var lower = text.ToLowerInvariant();
        if (RefusalStarts.Any(r => lower.StartsWith(r, StringComparison.Ordinal)))
        {
            return "refusal";
        }

        var words = CaptionText.WordCount(text);
        if (words < _options.MinWords || words > _options.MaxWords)
        {
            return $"{words} words, outside {_options.MinWords}–{_options.MaxWords}";
        }

        var body = text.TrimEnd('.', '!', ' ');
        if (body.IndexOfAny(['.', '!', '?', ';', '\n']) >= 0)
        {
            return "not a single sentence";
        }

        var missing = CaptionText.MissingKeyWords(first, text).Concat(CaptionText.MissingKeyWords(second, text)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            return "misses words of the source captions: " + string.Join(", ", missing);
        }

        var invented = SoundLexicon.InventedSounds(text, first, second);
        return invented.Count > 0 ? "names sounds neither caption mentions: " + string.Join(", ", invented) : null;
    }

    /// <summary>The captions of a reply: a JSON object with a "captions" list, or a bare list (code fences tolerated); null when malformed.</summary>
    internal static IReadOnlyList<string>? ParseReply(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var start = text.IndexOfAny(['{', '[']);
        var end = Math.Max(text.LastIndexOf('}'), text.LastIndexOf(']'));
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text.AsMemory(start, end - start + 1));
            var list = doc.RootElement.ValueKind switch
            {
                JsonValueKind.Array => doc.RootElement,
                JsonValueKind.Object when doc.RootElement.TryGetProperty("captions", out var c) && c.ValueKind == JsonValueKind.Array => c,
                _ => default,
            };
            if (list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var captions = list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();
            return captions.Length == 0 ? null : captions;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ChatOptions ChatOptions() => new()
    {
        ModelId = _options.Model,
        Temperature = (float)_options.Temperature,
        ResponseFormat = _options.JsonResponseFormat ? ChatResponseFormat.Json : null,
    };

    /// <summary>The prompt: the research note's paraphrase of Wu et al.'s instruction (our wording).</summary>
    internal List<ChatMessage> Messages(string first, string second, int variants) =>
    [
        new(ChatRole.System,
            "You combine two audio captions into one caption describing a recording in which both sounds are heard together. " +
            "Rules: write one grammatical English sentence that is compact, about 8 to 20 words " +
            $"(never fewer than {_options.MinWords} or more than {_options.MaxWords}); keep the sound sources and actions of both captions, using their own words; " +
            "do not add any sound, source, place, count, emotion or order that neither caption states; " +
            "use \"while\", \"as\" or \"and\" for sounds heard together unless a caption states an order. " +
            "Reply with JSON only, in the form {\"captions\": [\"...\"]}, holding the requested number of different variants."),
        new(ChatRole.User, $"Caption 1: {first.Trim()}\nCaption 2: {second.Trim()}\nVariants: {variants}"),
    ];

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
