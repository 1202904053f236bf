using AudioMix.Audio;

namespace AudioMix.Separation.Models;

/// <summary>
/// A separator model run chunk by chunk: audio is cut into overlapping chunks, each chunk's output is weighted by a
/// triangle (Demucs' <c>apply_model</c> transition) and the overlaps are averaged, so long inputs never go through the
/// model at once; a chunk shorter than the model's length (the end, or a short input) is centred in it as Demucs'
/// <c>TensorChunk.padded</c> does, and a chunk starts at every stride before the end as in <c>apply_model</c>. Streams are processed the same way with only about 1.5 chunks of audio held. Subclasses run one chunk
/// <c>[channels, samples]</c> through their runtime (TorchScript, ONNX Runtime) and return <c>[stems, channels, samples]</c>.
/// </summary>
public abstract class ChunkedModelSeparator : ISeparator
{
    private readonly ModelChunking _chunking;
    private bool _disposed;

    /// <summary>Sets the (validated) chunking.</summary>
    private protected ChunkedModelSeparator(ModelChunking chunking)
    {
        chunking.Validate();
        _chunking = chunking;
    }

    /// <summary>The stem names once known (from the options or the model; else numbered at the first chunk).</summary>
    private protected string[]? Stems { get; set; }

    /// <inheritdoc />
    public string Method => "model";

    /// <inheritdoc />
    /// <remarks>Known after loading when the model names its stems or the options do; otherwise after the first separation ("stem0", "stem1", …).</remarks>
    public IReadOnlyList<string> StemNames => Stems ?? [];

    /// <inheritdoc />
    public abstract IReadOnlyDictionary<string, object> Parameters { get; }

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
        var options = _chunking;
        var pending = Array.Empty<List<float>>();
        long pendingStart = 0; // input sample index of pending[c][0]
        long consumed = 0; // samples emitted so far; sum and weightSum start there
        var rate = -1;
        var channels = -1;
        int chunk = 0, hop = 0;
        float[] weight = [];
        float[][][] sum = [];
        float[] weightSum = [];
        long nextChunk = 0;

        void RunChunk(long start, bool last)
        {
            // Demucs' TensorChunk.padded + center_trim (demucs/apply.py): a chunk shorter than the model's length (the
            // input's end, or an input shorter than one chunk) is widened evenly on both sides — real audio before it
            // where there is some, zeros beyond the input — and the model's output is trimmed back to the middle.
            var known = pendingStart + pending[0].Count;
            var available = (int)Math.Min(chunk, known - start);
            var lead = (chunk - available) / 2;
            var first = start - lead;
            var input = new float[channels][];
            var from = Math.Max(first, 0);
            var to = Math.Min(first + chunk, known);
            if (from < pendingStart)
            {
                throw new InvalidOperationException($"Chunk context at {from} was already released (kept from {pendingStart}).");
            }

            for (var c = 0; c < channels; c++)
            {
                input[c] = new float[chunk];
                if (to > from)
                {
                    pending[c].CopyTo((int)(from - pendingStart), input[c], (int)(from - first), (int)(to - from));
                }
            }

            var data = RunModel(input, out var stems);
            if (sum.Length == 0)
            {
                Stems ??= [.. Enumerable.Range(0, stems).Select(i => $"stem{i}")];
                if (Stems.Length != stems)
                {
                    throw new InvalidOperationException($"The model returned {stems} stems but {Stems.Length} stem names were given.");
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

            var offset = (int)(start - consumed);
            var total = last ? available : chunk;
            for (var s = 0; s < stems; s++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var acc = sum[s][c];
                    EnsureLength(ref acc, offset + total);
                    sum[s][c] = acc;
                    var source = (((s * channels) + c) * chunk) + lead;
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

                onStemBlock(Stems![s], new AudioBuffer(rate, outChannels));
            }

            weightSum = weightSum[count..];
            consumed += count;

            // Keep half a chunk of input before the next chunk's start: the last, shorter chunk reaches back into it.
            var release = (int)Math.Max(0, consumed - (chunk / 2) - 1 - pendingStart);
            if (release > 0)
            {
                foreach (var p in pending)
                {
                    p.RemoveRange(0, release);
                }

                pendingStart += release;
            }
        }

        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rate < 0)
            {
                rate = block.SampleRate;
                channels = block.ChannelCount;
                if (options.SampleRate is { } expected && expected != rate)
                {
                    throw new ArgumentException($"The model expects {expected} Hz audio, got {rate} Hz: resample the input first.", nameof(blocks));
                }

                pending = [.. Enumerable.Range(0, channels).Select(_ => new List<float>())];
                chunk = options.ChunkSeconds > 0 ? Math.Max(1, (int)Math.Round(options.ChunkSeconds * rate)) : 0;
                hop = chunk > 0 ? Math.Max(1, (int)Math.Round(chunk * (1 - options.Overlap))) : 0;
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
            while (chunk > 0 && (nextChunk * (long)hop) + chunk <= pendingStart + pending[0].Count)
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

        var length = pendingStart + pending[0].Count;
        if (chunk == 0)
        {
            // Whole input at once.
            chunk = (int)length;
            hop = chunk;
            weight = Enumerable.Repeat(1f, chunk).ToArray();
        }

        // Demucs' apply_model runs a chunk at every stride offset before the end (range(0, length, stride)), also after
        // one that already reaches the end: that chunk, centred, weighs in on the last samples too.
        while (nextChunk * (long)hop < length)
        {
            var start = nextChunk * (long)hop;
            RunChunk(start, last: start + chunk >= length);
            nextChunk++;
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
        DisposeModel();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs one chunk (<paramref name="input"/>: one array per channel, all of the chunk length) and returns the stems
    /// flattened as <c>[stems, channels, samples]</c>, with their count in <paramref name="stems"/>.
    /// </summary>
    private protected abstract float[] RunModel(float[][] input, out int stems);

    /// <summary>Releases the model.</summary>
    private protected abstract void DisposeModel();

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
