using AudioMix.Captions.Merging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioMix.Grains.Operations;

/// <summary>The caption mergers a silo offers: always the built-in one, the LLM one when an endpoint is configured.</summary>
public sealed class CaptionMergers : IDisposable
{
    private readonly Lazy<LlmCaptionMerger>? _llm;

    /// <summary>Creates the mergers from the bound options (already validated at start).</summary>
    public CaptionMergers(IOptions<LlmCaptionMergerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LlmOptions = options.Value;
        if (LlmOptions.IsConfigured)
        {
            _llm = new Lazy<LlmCaptionMerger>(() => LlmCaptionMerger.Create(LlmOptions));
        }
    }

    /// <summary>The LLM settings (<see cref="LlmCaptionMergerOptions.SectionName"/>).</summary>
    public LlmCaptionMergerOptions LlmOptions { get; }

    /// <summary>The deterministic merger.</summary>
    public BuiltInCaptionMerger BuiltIn { get; } = new();

    /// <summary>True when an LLM endpoint is configured.</summary>
    public bool HasLlm => _llm is not null;

    /// <summary>The LLM merger; an <see cref="ArgumentException"/> saying what to configure when there is none.</summary>
    public LlmCaptionMerger Llm => _llm?.Value ?? throw new ArgumentException(
        $"merger 'llm' needs an OpenAI-compatible endpoint: set {LlmCaptionMergerOptions.SectionName}:Endpoint and :Model (and :ApiKey if the server needs one).");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_llm is { IsValueCreated: true })
        {
            _llm.Value.Dispose();
        }
    }
}

/// <summary>Registers the caption-mix op and its LLM settings.</summary>
public static class CaptionMixServices
{
    /// <summary>
    /// Binds <see cref="LlmCaptionMergerOptions"/> from <paramref name="configuration"/> (section
    /// <c>AudioMix:Captions:Llm</c>), validated when the host starts so a bad endpoint stops the silo with a
    /// message naming the setting, and adds the <c>caption_mix</c> op.
    /// </summary>
    public static IServiceCollection AddCaptionMix(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LlmCaptionMergerOptions>()
            .Bind(configuration.GetSection(LlmCaptionMergerOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmCaptionMergerOptions>, LlmOptionsValidation>();
        services.AddSingleton<CaptionMergers>();
        services.AddSingleton<IJobOperation, CaptionMixOperation>();
        return services;
    }

    private sealed class LlmOptionsValidation : IValidateOptions<LlmCaptionMergerOptions>
    {
        public ValidateOptionsResult Validate(string? name, LlmCaptionMergerOptions options)
        {
            if (!options.IsConfigured)
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
