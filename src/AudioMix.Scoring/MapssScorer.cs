using System.Diagnostics;
using AudioMix.Audio;
using AudioMix.Audio.Augmentation;
using AudioMix.Scoring.Banks;
using AudioMix.Scoring.Dsp;
using AudioMix.Scoring.Encoders;
using AudioMix.Scoring.Manifold;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring;

/// <summary>
/// MAPSS (Ivry, Cornell &amp; Watanabe, arXiv 2509.09212): Perceptual Separation (PS) and Perceptual Match (PM) of
/// separated outputs against their references, per 20 ms frame. <c>output[i]</c> estimates <c>reference[i]</c>; the
/// assignment is taken as given and the mixture is never used.
/// </summary>
/// <remarks>
/// Deviations chosen deliberately (spec §14): Generation 2 numerical guards; the distortion banks are drawn once per
/// (seed, metric, source) from <see cref="DeterministicRandom"/> (not NumPy's stream); PM distortions are trimmed to
/// the reference length so every signal shares one frame grid ("energy frame j ↔ encoder frame min(j, T − 1)");
/// pitch shifts resample with band-limited FFT resampling instead of soxr; everything after the encoder is float64
/// on the encoder's device, with frames sharing an active-source set embedded by one batched eigendecomposition.
/// Silent references are rejected; a silent output is scored (it stays silent after normalisation).
/// </remarks>
public sealed class MapssScorer
{
    private const int MinimumSamples = 6400;
    private readonly IMapssEncoder _encoder;
    private readonly MapssOptions _options;

    /// <summary>Creates a scorer using <paramref name="encoder"/> (not owned).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public MapssScorer(IMapssEncoder encoder, MapssOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _options = options ?? new MapssOptions();
        _options.Validate();
    }

    /// <summary>Scores <paramref name="outputs"/> against <paramref name="references"/> (same count, same order, any rate/channels).</summary>
    /// <exception cref="ArgumentException">Fewer than two sources, count or length mismatch, too short, non-finite, silent references, or no frame with two active references.</exception>
    public MapssResult Score(IReadOnlyList<AudioBuffer> references, IReadOnlyList<AudioBuffer> outputs)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(outputs);
        var refs = references.Select(MapssPreprocessing.ToMono16k).ToArray();
        var outs = outputs.Select(MapssPreprocessing.ToMono16k).ToArray();
        return ScoreConditioned(refs, outs);
    }

    /// <summary>Scores mono 16 kHz signals (validation, loudness normalisation, banks, encoder, manifolds).</summary>
    internal MapssResult ScoreConditioned(float[][] refs, float[][] outs)
    {
        if (refs.Length < 2)
        {
            throw new ArgumentException($"MAPSS needs at least 2 reference sources (got {refs.Length}).", nameof(refs));
        }

        if (outs.Length != refs.Length)
        {
            throw new ArgumentException($"Got {refs.Length} references but {outs.Length} outputs; output i must estimate reference i.", nameof(outs));
        }

        var all = refs.Concat(outs).ToArray();
        var length = all.Min(s => s.Length);
        if (all.Any(s => s.Length != length))
        {
            if (!_options.TrimToShortest)
            {
                throw new ArgumentException(
                    $"References and outputs must have equal length at 16 kHz (got {string.Join(", ", all.Select(s => s.Length))} samples); set TrimToShortest to crop.",
                    nameof(refs));
            }

            refs = refs.Select(s => s[..length]).ToArray();
            outs = outs.Select(s => s[..length]).ToArray();
        }

        if (length < MinimumSamples)
        {
            throw new ArgumentException($"Signals must be at least 400 ms long (one BS.1770 block); got {length / 16.0:0.#} ms.", nameof(refs));
        }

        for (var i = 0; i < refs.Length; i++)
        {
            if (refs[i].Concat(outs[i]).Any(v => !float.IsFinite(v)))
            {
                throw new ArgumentException($"Source {i}: reference or output contains NaN or infinite samples.", nameof(refs));
            }

            if (refs[i].Max(Math.Abs) <= 1e-12)
            {
                throw new ArgumentException($"Source {i}: the reference is silent.", nameof(refs));
            }
        }

        var banksClock = new Stopwatch();
        var encoderClock = new Stopwatch();
        var manifoldClock = new Stopwatch();

        banksClock.Start();
        var normRefs = refs.Select(r => MapssPreprocessing.NormalizeLoudness(r)).ToArray();
        var normOuts = outs.Select(o => MapssPreprocessing.NormalizeLoudness(o)).ToArray();
        banksClock.Stop();

        var masks = normRefs.Select(r => MapssPreprocessing.ActivityMask(r)).ToArray();
        var frames = masks[0].Length;
        var validFrames = Enumerable.Range(0, frames).Where(j => masks.Count(m => m[j]) >= 2).ToArray();
        if (validFrames.Length == 0)
        {
            throw new ArgumentException("No 20 ms frame has at least two active references, so nothing can be scored.", nameof(refs));
        }

        var sources = refs.Length;
        // Series: PS, PS bias, PS prob, PM, PM bias, PM prob, PM Gamma shape, PM Gamma scale.
        var scores = new double[8][][];
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = Enumerable.Range(0, sources).Select(_ => Enumerable.Repeat(double.NaN, frames).ToArray()).ToArray();
        }

        using (var scope = NewDisposeScope())
        using (inference_mode())
        {
            foreach (var metric in new[] { Metric.Separation, Metric.Match })
            {
                var embeddings = new Tensor[sources];
                var distortions = new int[sources];
                for (var s = 0; s < sources; s++)
                {
                    banksClock.Start();
                    var random = DeterministicRandom.ForUnit(_options.Seed, s, (ulong)metric);
                    var bank = metric == Metric.Separation
                        ? PsDistortionBank.Generate(normRefs[s], random)
                        : PmDistortionBank.Generate(normRefs[s], random);
                    var signals = new List<float[]>(bank.Length + 2) { normRefs[s], normOuts[s] };
                    signals.AddRange(bank.Select(d => MapssPreprocessing.NormalizeLoudness(d.Select(v => (float)v).ToArray())));
                    distortions[s] = bank.Length;
                    banksClock.Stop();

                    encoderClock.Start();
                    embeddings[s] = Embed(signals, validFrames);
                    encoderClock.Stop();
                }

                manifoldClock.Start();
                ScoreFrames(metric, embeddings, distortions, masks, validFrames, scores);
                manifoldClock.Stop();
            }

            scope.DisposeEverything();
        }

        var results = new MapssSourceScores[sources];
        for (var s = 0; s < sources; s++)
        {
            var ps = scores[0][s];
            var pm = scores[3][s];
            results[s] = new MapssSourceScores(NanMean(ps), NanMean(pm), ps.Count(double.IsFinite), ps, pm, scores[1][s], scores[2][s], scores[4][s], scores[5][s], scores[6][s], scores[7][s]);
        }

        return new MapssResult(results, frames, _encoder.Name, new MapssTimings(banksClock.Elapsed, encoderClock.Elapsed, manifoldClock.Elapsed));
    }

    private enum Metric : ulong
    {
        Separation = 1,
        Match = 2,
    }

    /// <summary>Encodes every signal in batches and keeps the valid frames: <c>[signals, valid frames, dim]</c> float32.</summary>
    private Tensor Embed(List<float[]> signals, int[] validFrames)
    {
        var kept = new List<Tensor>();
        for (var start = 0; start < signals.Count; start += _options.EncoderBatchSize)
        {
            using var batchScope = NewDisposeScope();
            var count = Math.Min(_options.EncoderBatchSize, signals.Count - start);
            var length = signals[start].Length;
            var flat = new float[count * length];
            for (var i = 0; i < count; i++)
            {
                signals[start + i].CopyTo(flat, i * length);
            }

            var batch = tensor(flat, [count, length], dtype: ScalarType.Float32).to(_encoder.Device);
            var hidden = _encoder.Encode(batch);
            var encoderFrames = hidden.shape[1];

            // Fixed grid: energy frame j reads encoder frame min(j, T − 1) (spec §5.3 recommendation).
            var index = tensor(validFrames.Select(j => Math.Min(j, encoderFrames - 1)).ToArray(), device: hidden.device);
            kept.Add(hidden.index_select(1, index).to(ScalarType.Float32).MoveToOuterDisposeScope());
        }

        return cat(kept, 0);
    }

    private void ScoreFrames(Metric metric, Tensor[] embeddings, int[] distortions, bool[][] masks, int[] validFrames, double[][][] scores)
    {
        // Frames sharing the same active set share one cloud layout; embed them together.
        var groups = validFrames
            .Select((frame, position) => (frame, position, active: Enumerable.Range(0, masks.Length).Where(s => masks[s][frame]).ToArray()))
            .GroupBy(x => string.Join(',', x.active));
        foreach (var group in groups)
        {
            var members = group.ToArray();
            var active = members[0].active;
            var layout = new List<SourceLayout>();
            var offset = 0;
            foreach (var s in active)
            {
                layout.Add(new SourceLayout(offset, distortions[s]));
                offset += distortions[s] + 2;
            }

            for (var start = 0; start < members.Length; start += _options.FramesPerBatch)
            {
                var chunk = members.Skip(start).Take(_options.FramesPerBatch).ToArray();
                ScoreChunk(metric, embeddings, chunk, active, layout, scores);
            }
        }
    }

    private void ScoreChunk(Metric metric, Tensor[] embeddings, (int frame, int position, int[] active)[] chunk, int[] active, List<SourceLayout> layout, double[][][] scores)
    {
        using var chunkScope = NewDisposeScope();
        var device = embeddings[active[0]].device;
        var positions = tensor(chunk.Select(c => (long)c.position).ToArray(), device: device);
        var cloud = cat(active.Select(s => embeddings[s].index_select(1, positions).transpose(0, 1)).ToArray(), 1)
            .to(ScalarType.Float64);
        var map = DiffusionMap.Compute(cloud, _options.Alpha, _options.EigenvalueCutoff);

        // Frames retaining the same number of coordinates are scored together: the measures then need no
        // zero-padding to the chunk's largest L (which costs more than it saves on CPU).
        var retained = map.Retained.cpu().data<long>().ToArray();
        foreach (var sameL in Enumerable.Range(0, chunk.Length).GroupBy(i => retained[i]))
        {
            var rows = sameL.ToArray();
            var index = tensor(rows.Select(i => (long)i).ToArray(), device: device);
            var part = new DiffusionMap.Result(
                map.Coordinates.index_select(0, index),
                map.Eigenvalues.index_select(0, index),
                map.TopEigenvalue.index_select(0, index),
                map.Retained.index_select(0, index),
                map.Epsilon.index_select(0, index));
            var measures = metric == Metric.Separation
                ? MapssMeasures.Separation(part, layout, _options.Delta)
                : MapssMeasures.Match(part, layout, _options.Delta);
            for (var a = 0; a < active.Length; a++)
            {
                var m = measures[a];
                var series = metric == Metric.Separation
                    ? new[] { (0, m.Score), (1, m.Bias), (2, m.Prob) }
                    : new[] { (3, m.Score), (4, m.Bias), (5, m.Prob), (6, m.GammaShape!), (7, m.GammaScale!) };
                foreach (var (column, values) in series)
                {
                    var host = values.cpu().data<double>().ToArray();
                    for (var c = 0; c < rows.Length; c++)
                    {
                        scores[column][active[a]][chunk[rows[c]].frame] = host[c];
                    }
                }
            }
        }
    }

    private static double NanMean(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }
}
