using AudioMix.Models;
using AudioMix.Separation.Models;
using AudioMix.Separation.Segmentation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The learned models a silo runs: the store of installed, hash-checked files (<see cref="ModelStoreOptions"/>, section
/// <c>AudioMix:Models</c>) and one ONNX session per model (Silero VAD, HTDemucs), each loaded on first use and shared by
/// every unit of every job in this process until the host disposes it. ONNX Runtime's <c>Run</c> is thread-safe and the
/// compute limiter bounds how many run at once; what a unit changes (Silero's recurrent state, HTDemucs' overlap and
/// buffers) lives in the unit's own wrapper.
/// </summary>
public sealed class SiloModels : IDisposable
{
    private readonly Lock _gate = new();
    private readonly OnnxModelOptions _onnx;
    private SileroVad? _silero;
    private (InstalledModel Model, OnnxModel Session)? _htdemucs;

    /// <summary>Creates the models over the bound options (validated at start).</summary>
    public SiloModels(IOptions<ModelStoreOptions> options)
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

    /// <summary>How many times this process loaded the HTDemucs session (tests check it is shared: at most once).</summary>
    internal int HtDemucsLoads { get; private set; }

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

    /// <summary>
    /// A unit's HTDemucs separator over the shared session (loaded and hash-checked on first use, 174 MB): disposing the
    /// separator keeps the session; <paramref name="options"/>' overlap is the unit's own.
    /// </summary>
    /// <exception cref="ModelNotInstalledException">The model is missing or corrupt (names the install command and licence).</exception>
    public HtDemucsSeparator HtDemucs(HtDemucsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (InstalledModel Model, OnnxModel Session) shared;
        lock (_gate)
        {
            // Not cached on failure, as for Silero.
            if (_htdemucs is null)
            {
                var installed = Store.Resolve(ModelCatalog.HtDemucs);
                _htdemucs = (installed, HtDemucsSeparator.OpenSession(installed, _onnx));
                HtDemucsLoads++;
            }

            shared = _htdemucs.Value;
        }

        return new HtDemucsSeparator(shared.Model, shared.Session, options);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _silero?.Dispose();
            _silero = null;
            _htdemucs?.Session.Dispose();
            _htdemucs = null;
        }
    }
}

/// <summary>Registers the model store and the shared model sessions.</summary>
public static class ModelServices
{
    /// <summary>
    /// Binds <see cref="ModelStoreOptions"/> from <c>AudioMix:Models</c> (validated when the host starts) and adds
    /// <see cref="SiloModels"/>.
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
        services.AddSingleton<SiloModels>();
        return services;
    }
}
