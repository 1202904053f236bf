using AudioMix.Audio;
using AudioMix.Models;
using Microsoft.ML.OnnxRuntime;

namespace AudioMix.Separation.Segmentation;

/// <summary>
/// Silero VAD v5 (snakers4/silero-vad, MIT) through ONNX Runtime: a speech probability per window of 512 samples at
/// 16 kHz or 256 at 8 kHz (32 ms either way), with the model's recurrent state carried from window to window. Each
/// window is fed with the last 64 (16 kHz) or 32 (8 kHz) samples of the one before it prepended, exactly as the
/// reference runner <c>OnnxWrapper.__call__</c> in silero-vad's <c>utils_vad.py</c> does; the state and that context
/// start at zero (<c>reset_states</c>). Other sample rates are refused: resample first (see <see cref="SileroSpeechDetector"/>).
/// </summary>
public sealed class SileroVad : IDisposable
{
    /// <summary>The rates the model was trained for.</summary>
    public static readonly IReadOnlyList<int> SampleRates = [8000, 16000];

    /// <summary>The model's recurrent state: [2, batch = 1, 128].</summary>
    internal const int StateSize = 2 * 128;

    private readonly OnnxModel _model;
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded Silero v5 model (inputs <c>input</c>, <c>state</c>, <c>sr</c>; outputs <c>output</c>, <c>stateN</c>).</summary>
    /// <param name="model">The session.</param>
    /// <param name="installed">The verified file it came from, for provenance.</param>
    /// <param name="ownsModel">Dispose the session with this wrapper.</param>
    /// <exception cref="ArgumentException">The graph does not have Silero v5's inputs and outputs.</exception>
    public SileroVad(OnnxModel model, InstalledModel? installed = null, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] inputs = ["input", "state", "sr"];
        string[] outputs = ["output", "stateN"];
        if (!inputs.All(model.InputNames.Contains) || !outputs.All(model.OutputNames.Contains))
        {
            throw new ArgumentException(
                $"'{model.Path}' is not a Silero v5 model: it needs inputs {string.Join(", ", inputs)} and outputs {string.Join(", ", outputs)} " +
                $"(has {string.Join(", ", model.InputNames)} → {string.Join(", ", model.OutputNames)}).", nameof(model));
        }

        _model = model;
        _ownsModel = ownsModel;
        Installed = installed;
    }

    /// <summary>The installed model it runs, when loaded from the store.</summary>
    public InstalledModel? Installed { get; }

    /// <summary>Loads the pinned Silero model from <paramref name="store"/>.</summary>
    /// <exception cref="ModelNotInstalledException">Not installed or corrupt (names the install command).</exception>
    public static SileroVad Load(ModelStore store, OnnxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var installed = store.Resolve(ModelCatalog.SileroVad);
        return new SileroVad(new OnnxModel(installed.Path, options), installed, ownsModel: true);
    }

    /// <summary>Samples per window: 512 at 16 kHz, 256 at 8 kHz.</summary>
    /// <exception cref="ArgumentException">Another rate.</exception>
    public static int WindowSamples(int sampleRate) => CheckRate(sampleRate) == 16000 ? 512 : 256;

    /// <summary>Samples of the previous window prepended to each: 64 at 16 kHz, 32 at 8 kHz.</summary>
    public static int ContextSamples(int sampleRate) => CheckRate(sampleRate) == 16000 ? 64 : 32;

    /// <summary>Seconds between probabilities (32 ms at both rates).</summary>
    public static double WindowSeconds(int sampleRate) => (double)WindowSamples(sampleRate) / sampleRate;

    /// <summary>A stream at <paramref name="sampleRate"/> with fresh state.</summary>
    /// <exception cref="ArgumentException">The rate is not 8000 or 16000 Hz.</exception>
    public StreamingSileroVad CreateStream(int sampleRate) => new(this, CheckRate(sampleRate));

    /// <summary>
    /// Speech probability of every window of <paramref name="samples"/> (mono) in one pass; the last partial window
    /// is zero-padded, as <c>get_speech_timestamps</c> pads it.
    /// </summary>
    public float[] Probabilities(ReadOnlySpan<float> samples, int sampleRate)
    {
        var stream = CreateStream(sampleRate);
        var result = new List<float>((samples.Length / WindowSamples(sampleRate)) + 1);
        stream.Push(samples, result);
        stream.Flush(result);
        return [.. result];
    }

    /// <summary>Speech probabilities of <paramref name="audio"/> (down-mixed to mono), at 8 or 16 kHz.</summary>
    /// <exception cref="ArgumentException">Another sample rate (names it).</exception>
    public float[] Probabilities(AudioBuffer audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        CheckRate(audio.SampleRate);
        return Probabilities(audio.ToMono().Channels[0], audio.SampleRate);
    }

    /// <summary>Runs one window: <paramref name="input"/> = context + window; updates <paramref name="state"/> in place.</summary>
    internal float RunWindow(float[] input, float[] state, long[] rate)
    {
        using var inputValue = OnnxModel.Tensor(input, 1, input.Length);
        using var stateValue = OnnxModel.Tensor(state, 2, 1, 128);
        using var rateValue = OnnxModel.Tensor(rate);
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
        {
            ["input"] = inputValue,
            ["state"] = stateValue,
            ["sr"] = rateValue,
        };
        using var outputs = _model.Run(inputs);
        var probability = float.NaN;
        for (var i = 0; i < outputs.Count; i++)
        {
            var name = _model.OutputNames[i];
            if (name == "output")
            {
                probability = outputs[i].GetTensorDataAsSpan<float>()[0];
            }
            else if (name == "stateN")
            {
                outputs[i].GetTensorDataAsSpan<float>().CopyTo(state);
            }
        }

        return probability;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    private static int CheckRate(int sampleRate) =>
        sampleRate is 8000 or 16000
            ? sampleRate
            : throw new ArgumentException($"Silero VAD takes 8000 or 16000 Hz audio, got {sampleRate} Hz: resample first.", nameof(sampleRate));
}

/// <summary>
/// Silero VAD over audio that arrives in pieces of any length: whole windows are run as soon as they are complete,
/// the model state and the previous window's tail carried over, so the probabilities equal those of one pass over the
/// concatenated audio.
/// </summary>
public sealed class StreamingSileroVad
{
    private readonly SileroVad _vad;
    private readonly float[] _state = new float[SileroVad.StateSize];
    private readonly float[] _input;
    private readonly long[] _rate;
    private readonly int _window;
    private readonly int _context;
    private int _filled; // samples of the current window already in _input (after the context)
    private bool _flushed;

    internal StreamingSileroVad(SileroVad vad, int sampleRate)
    {
        _vad = vad;
        SampleRate = sampleRate;
        _window = SileroVad.WindowSamples(sampleRate);
        _context = SileroVad.ContextSamples(sampleRate);
        _input = new float[_context + _window];
        _rate = [sampleRate];
    }

    /// <summary>The stream's rate.</summary>
    public int SampleRate { get; }

    /// <summary>Adds samples; returns the probabilities of the windows they completed.</summary>
    public IReadOnlyList<float> Push(ReadOnlySpan<float> samples)
    {
        var result = new List<float>();
        Push(samples, result);
        return result;
    }

    /// <summary>Runs the last partial window, zero-padded (nothing when the audio ended on a window boundary).</summary>
    public IReadOnlyList<float> Flush()
    {
        var result = new List<float>(1);
        Flush(result);
        return result;
    }

    internal void Push(ReadOnlySpan<float> samples, List<float> into)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The stream was flushed: create a new one for more audio.");
        }

        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _window - _filled);
            samples[..take].CopyTo(_input.AsSpan(_context + _filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == _window)
            {
                into.Add(RunWindow());
            }
        }
    }

    internal void Flush(List<float> into)
    {
        if (_filled > 0)
        {
            _input.AsSpan(_context + _filled).Clear();
            into.Add(RunWindow());
        }

        _flushed = true;
    }

    private float RunWindow()
    {
        var probability = _vad.RunWindow(_input, _state, _rate);
        // The next window's context is the tail of this model input (utils_vad.py: self._context = x[..., -context_size:]).
        _input.AsSpan(_window, _context).CopyTo(_input);
        _filled = 0;
        return probability;
    }
}
