using System.Runtime.InteropServices;
using AudioMix.Audio;
using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Models;

/// <summary>
/// Runs a user's TorchScript separator (e.g. an exported Demucs or Open-Unmix) loaded with <c>torch.jit.load</c>.
/// The module's <c>forward</c> takes a mixture <c>[batch=1, channels, samples]</c> and returns stems
/// <c>[1, stems, channels, samples]</c> (or <c>[stems, channels, samples]</c>), the Demucs convention. Audio is cut
/// into overlapping chunks, each chunk's output is weighted by a triangle (Demucs' <c>apply_model</c> transition)
/// and the overlaps are averaged, so long inputs never go through the model at once; streams are processed the same
/// way with only about one chunk of audio held.
/// </summary>
public sealed class TorchScriptSeparator : ISeparator
{
    /// <summary>The extra file in a TorchScript archive that names the stems, one per line.</summary>
    public const string StemNamesFile = "stems.txt";

    private readonly torch.jit.ScriptModule _module;
    private readonly TorchScriptOptions _options;
    private readonly string _path;
    private string[]? _stems;
    private bool _disposed;

    /// <summary>Loads the model onto <paramref name="device"/> (<see langword="null"/> = CPU).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The file is not a loadable TorchScript module, or the options are invalid.</exception>
    public TorchScriptSeparator(string path, TorchScriptOptions options, torch.Device? device = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"TorchScript model '{path}' does not exist.", path);
        }

        TorchRuntime.EnsureLoaded();
        Device = device ?? torch.CPU;
        _options = options;
        _path = Path.GetFullPath(path);
        try
        {
            _module = torch.jit.load(_path, Device.type, Device.index);
        }
        catch (Exception ex) when (ex is ExternalException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"'{path}' is not a loadable TorchScript module: {ex.Message.Split('\n')[0]}", nameof(path), ex);
        }

        _module.eval();
        if (options.StemNames is { Count: > 0 } names)
        {
            _stems = [.. names];
        }
        else
        {
            _stems = ReadStemNames(_path);
        }
    }

    /// <summary>Where the model runs.</summary>
    public torch.Device Device { get; }

    /// <inheritdoc />
    public string Method => "model";

    /// <inheritdoc />
    /// <remarks>Known after loading when the model names its stems or the options do; otherwise after the first separation ("stem0", "stem1", …).</remarks>
    public IReadOnlyList<string> StemNames => _stems ?? [];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["model"] = Path.GetFileName(_path),
        ["chunkSeconds"] = _options.ChunkSeconds,
        ["overlap"] = _options.Overlap,
    };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, AudioBuffer> Separate(AudioBuffer mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var parts = new Dictionary<string, List<AudioBuffer>>(StringComparer.Ordinal);
        Separate([mixture], (stem, block) =>
        {
            if (!parts.TryGetValue(stem, out var list))
            {
                parts[stem] = list = [];
            }

            list.Add(block);
        }, cancellationToken);
        return parts.ToDictionary(kv => kv.Key, kv => Concatenate(kv.Value, mixture.SampleRate, mixture.ChannelCount), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public void Separate(IEnumerable<AudioBuffer> blocks, Action<string, AudioBuffer> onStemBlock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(onStemBlock);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = Array.Empty<List<float>>();
        long consumed = 0; // samples before pending[0]
        var rate = -1;
        var channels = -1;
        int chunk = 0, hop = 0;
        float[] weight = [];
        float[][][] sum = [];
        float[] weightSum = [];
        long nextChunk = 0;

        void RunChunk(long start, bool last)
        {
            var offset = (int)(start - consumed);
            var available = Math.Min(chunk, pending[0].Count - offset);
            using var scope = torch.NewDisposeScope();
            var input = new float[channels][];
            for (var c = 0; c < channels; c++)
            {
                // The last chunk is zero-padded to full length, as Demucs does.
                input[c] = new float[chunk];
                pending[c].CopyTo(offset, input[c], 0, available);
            }

            var output = Run(SeparationTensors.FromChannels(input, Device).unsqueeze(0), channels);
            var stems = (int)output.shape[0];
            if (sum.Length == 0)
            {
                _stems ??= [.. Enumerable.Range(0, stems).Select(i => $"stem{i}")];
                if (_stems.Length != stems)
                {
                    throw new InvalidOperationException($"The model returned {stems} stems but {_stems.Length} stem names were given.");
                }

                sum = new float[stems][][];
                for (var s = 0; s < stems; s++)
                {
                    sum[s] = new float[channels][];
                    for (var c = 0; c < channels; c++)
                    {
                        sum[s][c] = new float[chunk];
                    }
                }
            }

            var data = output.contiguous().cpu().data<float>().ToArray();
            var total = last ? available : chunk;
            for (var s = 0; s < stems; s++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var acc = sum[s][c];
                    EnsureLength(ref acc, offset + total);
                    sum[s][c] = acc;
                    var source = ((s * channels) + c) * chunk;
                    for (var i = 0; i < total; i++)
                    {
                        acc[offset + i] += data[source + i] * weight[i];
                    }
                }
            }

            EnsureLength(ref weightSum, offset + total);
            for (var i = 0; i < total; i++)
            {
                weightSum[offset + i] += weight[i];
            }
        }

        void Emit(int count)
        {
            if (count <= 0)
            {
                return;
            }

            for (var s = 0; s < sum.Length; s++)
            {
                var outChannels = new float[channels][];
                for (var c = 0; c < channels; c++)
                {
                    outChannels[c] = new float[count];
                    for (var i = 0; i < count; i++)
                    {
                        outChannels[c][i] = sum[s][c][i] / weightSum[i];
                    }

                    sum[s][c] = sum[s][c][count..];
                }

                onStemBlock(_stems![s], new AudioBuffer(rate, outChannels));
            }

            weightSum = weightSum[count..];
            foreach (var p in pending)
            {
                p.RemoveRange(0, count);
            }

            consumed += count;
        }

        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rate < 0)
            {
                rate = block.SampleRate;
                channels = block.ChannelCount;
                if (_options.SampleRate is { } expected && expected != rate)
                {
                    throw new ArgumentException($"The model expects {expected} Hz audio, got {rate} Hz: resample the input first.", nameof(blocks));
                }

                pending = [.. Enumerable.Range(0, channels).Select(_ => new List<float>())];
                chunk = _options.ChunkSeconds > 0 ? Math.Max(1, (int)Math.Round(_options.ChunkSeconds * rate)) : 0;
                hop = chunk > 0 ? Math.Max(1, (int)Math.Round(chunk * (1 - _options.Overlap))) : 0;
                weight = chunk > 0 ? Triangle(chunk) : [];
            }
            else if (block.SampleRate != rate || block.ChannelCount != channels)
            {
                throw new ArgumentException($"Every block must have {rate} Hz and {channels} channel(s).", nameof(blocks));
            }

            for (var c = 0; c < channels; c++)
            {
                pending[c].AddRange(block.Channels[c]);
            }

            // Run every chunk that is fully available; samples before the next chunk's start are then final.
            while (chunk > 0 && (nextChunk * (long)hop) + chunk <= consumed + pending[0].Count)
            {
                RunChunk(nextChunk * (long)hop, last: false);
                nextChunk++;
                Emit((int)((nextChunk * (long)hop) - consumed));
            }
        }

        if (rate < 0)
        {
            throw new ArgumentException("The stream holds no audio.", nameof(blocks));
        }

        var length = consumed + pending[0].Count;
        if (chunk == 0)
        {
            // Whole input at once.
            chunk = (int)length;
            hop = chunk;
            weight = Enumerable.Repeat(1f, chunk).ToArray();
        }

        while (nextChunk * (long)hop < length)
        {
            var start = nextChunk * (long)hop;
            RunChunk(start, last: start + chunk >= length);
            nextChunk++;
            if (start + chunk >= length)
            {
                break;
            }
        }

        Emit((int)(length - consumed));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _module.Dispose();
    }

    /// <summary>Runs the model on <c>[1, channels, samples]</c>, returning <c>[stems, channels, samples]</c>.</summary>
    private torch.Tensor Run(torch.Tensor input, int channels)
    {
        using var noGrad = torch.no_grad();
        var result = _module.call(input) as torch.Tensor
            ?? throw new InvalidOperationException("The TorchScript model's forward must return one tensor [1, stems, channels, samples].");
        var stems = result.dim() switch
        {
            4 when result.shape[0] == 1 => result.squeeze(0),
            3 => result,
            _ => throw new InvalidOperationException($"The TorchScript model returned shape [{string.Join(", ", result.shape)}]; expected [1, stems, channels, samples]."),
        };
        if (stems.shape[1] != channels || stems.shape[2] != input.shape[^1])
        {
            throw new InvalidOperationException(
                $"The TorchScript model returned shape [{string.Join(", ", result.shape)}] for input [{string.Join(", ", input.shape)}]; stems must keep the channels and length.");
        }

        return stems.to(torch.ScalarType.Float32);
    }

    /// <summary>
    /// Stem names stored in the TorchScript archive as an extra file <c>stems.txt</c> (one name per line; written by
    /// <c>torch.jit.save(module, path, _extra_files={"stems.txt": "vocals\ndrums"})</c>). TorchSharp cannot return
    /// strings from scripted methods, but a TorchScript file is a zip archive whose extra files sit under
    /// <c>&lt;archive&gt;/extra/</c>.
    /// </summary>
    private static string[]? ReadStemNames(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/extra/" + StemNamesFile, StringComparison.Ordinal));
            if (entry is null)
            {
                return null;
            }

            using var reader = new StreamReader(entry.Open());
            var names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return names.Length > 0 ? names : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Demucs' transition weights: a triangle peaking mid-chunk, never zero at the ends.</summary>
    private static float[] Triangle(int length)
    {
        var w = new float[length];
        var peak = (length + 1) / 2f;
        for (var i = 0; i < length; i++)
        {
            w[i] = Math.Min(i + 1, length - i) / peak;
        }

        return w;
    }

    private static void EnsureLength(ref float[] array, int length)
    {
        if (array.Length < length)
        {
            Array.Resize(ref array, Math.Max(length, array.Length * 2));
        }
    }

    private static AudioBuffer Concatenate(List<AudioBuffer> parts, int rate, int channels)
    {
        var total = parts.Sum(p => p.Frames);
        var result = AudioBuffer.Silence(rate, channels, total);
        var at = 0;
        foreach (var part in parts)
        {
            for (var c = 0; c < channels; c++)
            {
                part.Channels[c].CopyTo(result.Channels[c], at);
            }

            at += part.Frames;
        }

        return result;
    }
}
