using AudioMix.Models;
using AudioMix.Separation.Segmentation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The learned models a silo runs: the store of installed, hash-checked files (<see cref="ModelStoreOptions"/>, section
/// <c>AudioMix:Models</c>) and the Silero VAD session, loaded on first use and shared by every unit (ONNX Runtime's
/// <c>Run</c> is thread-safe; each unit keeps its own recurrent state).
/// </summary>
public sealed class SpeechModels : IDisposable
{
    private readonly Lock _gate = new();
    private readonly OnnxModelOptions _onnx;
    private SileroVad? _silero;

    /// <summary>Creates the models over the bound options (validated at start).</summary>
    public SpeechModels(IOptions<ModelStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Store = new ModelStore(o);
        // One inference thread: the compute limiter already runs one unit per core.
        _onnx = new OnnxModelOptions(IntraOpThreads: 1, UseCuda: o.UseCuda, CudaDevice: o.CudaDevice);
    }

    /// <summary>The installed models.</summary>
    public ModelStore Store { get; }

    /// <summary>The detector <c>auto</c> means: Silero when its model is installed, else RMS.</summary>
    public string DefaultDetector => SpeechDetectors.Default(Store);

    /// <summary>The Silero VAD session (loaded and hash-checked once).</summary>
    /// <exception cref="ModelNotInstalledException">The model is missing or corrupt (names the install command).</exception>
    public SileroVad Silero
    {
        get
        {
            lock (_gate)
            {
                // Not cached on failure: installing the model while the silo runs makes the next unit succeed.
                return _silero ??= SileroVad.Load(Store, _onnx);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _silero?.Dispose();
            _silero = null;
        }
    }
}

/// <summary>Registers the model store and the shared model sessions.</summary>
public static class ModelServices
{
    /// <summary>
    /// Binds <see cref="ModelStoreOptions"/> from <c>AudioMix:Models</c> (validated when the host starts) and adds
    /// <see cref="SpeechModels"/>.
    /// </summary>
    public static IServiceCollection AddModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelStoreOptions>()
            .Bind(configuration.GetSection(ModelStoreOptions.Section))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.AddSingleton<SpeechModels>();
        return services;
    }
}
