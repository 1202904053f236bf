using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// REPET-SIM (Rafii &amp; Pardo 2012). Per frame: cosine similarity to every frame within the search window (on the
/// channel-averaged magnitude), local peaks at least the minimum distance apart and above the threshold, the
/// <c>k</c> best of them; the repeating model is the element-wise median of those frames' magnitudes, capped by the
/// frame's own magnitude; background mask = model ÷ magnitude (bins below the high-pass cut are background).
/// Stems: "vocals" (the non-repeating foreground) and "accompaniment".
/// </summary>
internal sealed class RepetSimSeparator : SpectralSeparator
{
    private const int RowsPerChunk = 32;
    private readonly RepetSimOptions _options;

    public RepetSimSeparator(RepetSimOptions options, torch.Device? device = null, int blockFrames = 0)
        : base(Validated(options), device, blockFrames)
    {
        _options = options;
    }

    public override string Method => "repet-sim";

    public override IReadOnlyList<string> StemNames { get; } = ["vocals", "accompaniment"];

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["fftSize"] = _options.FftSize,
        ["hopLength"] = _options.HopLength,
        ["similarityThreshold"] = _options.SimilarityThreshold,
        ["minDistanceSeconds"] = _options.MinDistanceSeconds,
        ["maxRepeatingFrames"] = _options.MaxRepeatingFrames,
        ["highPassHz"] = _options.HighPassHz,
        ["searchWindowSeconds"] = _options.SearchWindowSeconds,
        ["wienerIterations"] = _options.WienerIterations,
        ["wienerWindowSeconds"] = _options.WienerWindowSeconds,
    };

    private int SearchFrames => Math.Max(1, (int)Math.Round(_options.SearchWindowSeconds / FrameSeconds));

    private int WienerHalfWindow => Math.Max(1, (int)Math.Round(_options.WienerWindowSeconds / FrameSeconds));

    private int WienerContext => WienerRefinement.ContextFrames(_options.WienerIterations, WienerHalfWindow);

    protected override int ContextFrames => SearchFrames + WienerContext;

    protected override torch.Tensor Estimate(torch.Tensor spectrum, int keepStart, int keepCount)
    {
        using var scope = torch.NewDisposeScope();
        var frames = (int)spectrum.shape[^1];

        // The Wiener pass needs the masked estimates of its own context frames too.
        var maskStart = Math.Max(0, keepStart - WienerContext);
        var maskEnd = Math.Min(frames, keepStart + keepCount + WienerContext);
        var magnitude = spectrum.abs();
        var background = BackgroundMask(magnitude, maskStart, maskEnd - maskStart);
        var bins = (int)spectrum.shape[1];
        var cutoff = Math.Min(bins, (int)Math.Ceiling(_options.HighPassHz / BinHz));
        if (cutoff > 0)
        {
            background.narrow(1, 0, cutoff).FillWith(1.0);
        }

        var mix = spectrum.narrow(-1, maskStart, maskEnd - maskStart);
        var stems = torch.stack([background.SubtractedFrom(1) * mix, background * mix]);
        var refined = WienerRefinement.Refine(mix, stems, _options.WienerIterations, WienerHalfWindow);
        return refined.narrow(-1, keepStart - maskStart, keepCount).MoveToOuterDisposeScope();
    }

    /// <summary>Background (repeating) soft mask <c>[channels, bins, count]</c> for frames [start, start + count).</summary>
    private torch.Tensor BackgroundMask(torch.Tensor magnitude, int start, int count)
    {
        using var scope = torch.NewDisposeScope();
        var frames = (int)magnitude.shape[^1];
        var channels = (int)magnitude.shape[0];
        var bins = (int)magnitude.shape[1];
        var mean = magnitude.mean([0]);
        var unit = mean / mean.norm(dim: 0, keepdim: true).Plus(1e-12);
        var search = SearchFrames;
        var minDistance = Math.Max(1, (int)Math.Round(_options.MinDistanceSeconds / FrameSeconds));
        var k = Math.Min(_options.MaxRepeatingFrames, frames);
        var columns = KeptScalars.Range(frames, magnitude.device).unsqueeze(0);

        // Frame-major magnitudes [frames, channels·bins] so the chosen frames are read as contiguous rows.
        var width = channels * bins;
        var byFrame = magnitude.reshape(width, frames).t().contiguous().cpu().data<float>().ToArray();
        var result = new float[count * width];
        for (var r0 = start; r0 < start + count; r0 += RowsPerChunk)
        {
            var rows = Math.Min(RowsPerChunk, start + count - r0);
            var similarity = torch.matmul(unit.narrow(1, r0, rows).t(), unit);
            var rowIndex = KeptScalars.Range(rows, magnitude.device).Plus((long)r0).unsqueeze(1);
            var outside = columns.Minus(rowIndex).abs().GreaterThan(search);
            similarity = similarity.MaskedWith(outside, double.NegativeInfinity);

            // Peaks: maxima of their own ±minDistance neighbourhood, above the threshold (nussl's find_peaks rule).
            var pooled = torch.nn.functional.max_pool1d(similarity.unsqueeze(1), (2 * minDistance) + 1, 1, minDistance).squeeze(1);
            var peaks = similarity.eq(pooled).logical_and(similarity.AtLeastValue(_options.SimilarityThreshold)).logical_and(outside.logical_not());
            var candidates = similarity.MaskedWith(peaks.logical_not(), double.NegativeInfinity);
            var (values, indices) = candidates.topk(k, -1);
            var chosen = indices.cpu().data<long>().ToArray();
            var finite = values.isfinite().cpu().data<bool>().ToArray();
            var first = r0;
            Parallel.For(0, rows, () => new float[k], (row, _, scratch) =>
            {
                RepeatingModel(byFrame, width, chosen.AsSpan(row * k, k), finite.AsSpan(row * k, k), first + row, result.AsSpan((first - start + row) * width, width), scratch);
                return scratch;
            }, _ => { });
        }

        // result is [count, channels·bins]; back to [channels, bins, count].
        var mask = torch.tensor(result, [count, width], torch.ScalarType.Float32).t().reshape(channels, bins, count);
        return (magnitude.device_type == DeviceType.CPU ? mask : mask.to(magnitude.device)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One frame's background mask: per bin, the median (lower middle, as torch.median) of the chosen frames'
    /// magnitudes, capped by the frame's own magnitude, divided by it.
    /// </summary>
    private static void RepeatingModel(float[] byFrame, int width, ReadOnlySpan<long> chosen, ReadOnlySpan<bool> finite, int frame, Span<float> mask, float[] scratch)
    {
        Span<int> rows = stackalloc int[chosen.Length];
        var n = 0;
        for (var j = 0; j < chosen.Length; j++)
        {
            if (finite[j])
            {
                rows[n++] = (int)chosen[j] * width;
            }
        }

        var own = frame * width;
        for (var e = 0; e < width; e++)
        {
            var magnitude = byFrame[own + e];
            if (n == 0 || magnitude <= 1e-12f)
            {
                mask[e] = n == 0 ? 0f : 1f;
                continue;
            }

            for (var j = 0; j < n; j++)
            {
                scratch[j] = byFrame[rows[j] + e];
            }

            var model = MedianFilter.Select(scratch.AsSpan(0, n), (n - 1) / 2);
            mask[e] = Math.Min(model, magnitude) / magnitude;
        }
    }

    private static StftOptions Validated(RepetSimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new StftOptions(options.FftSize, options.HopLength);
    }
}

/// <summary>
/// Centre/sides split by the Avendano–Jot inter-channel similarity (see <see cref="MidSideOptions"/>). Stems:
/// "centre" (centre-panned: usually lead vocal, kick, snare, bass) and "sides".
/// </summary>
internal sealed class MidSideSeparator : SpectralSeparator
{
    private readonly MidSideOptions _options;

    public MidSideSeparator(MidSideOptions options, torch.Device? device = null, int blockFrames = 0)
        : base(Validated(options), device, blockFrames)
    {
        _options = options;
    }

    public override string Method => "midside";

    public override IReadOnlyList<string> StemNames { get; } = ["centre", "sides"];

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["fftSize"] = _options.FftSize,
        ["hopLength"] = _options.HopLength,
        ["power"] = _options.Power,
        ["smoothingSeconds"] = _options.SmoothingSeconds,
        ["wienerIterations"] = _options.WienerIterations,
        ["wienerWindowSeconds"] = _options.WienerWindowSeconds,
    };

    private int WienerHalfWindow => Math.Max(1, (int)Math.Round(_options.WienerWindowSeconds / FrameSeconds));

    private int SmoothingHalfWindow => (int)Math.Round(_options.SmoothingSeconds / FrameSeconds);

    protected override int ContextFrames => SmoothingHalfWindow + WienerRefinement.ContextFrames(_options.WienerIterations, WienerHalfWindow);

    protected override void CheckChannels(int channels)
    {
        if (channels != 2)
        {
            throw new ArgumentException(
                $"midside needs a stereo mixture (got {channels} channel(s)): centre extraction compares left and right, so mono audio must bypass it.",
                nameof(channels));
        }
    }

    protected override torch.Tensor Estimate(torch.Tensor spectrum, int keepStart, int keepCount)
    {
        using var scope = torch.NewDisposeScope();
        var left = spectrum.select(0, 0);
        var right = spectrum.select(0, 1);

        // Short-time expectations of the cross- and auto-spectra (Avendano & Jot smooth them over time): a single
        // bin of two independent signals can look coherent by chance, an average over a few frames cannot.
        var window = SmoothingHalfWindow;
        var cross = WienerRefinement.BoxSum(left * right.conj(), window).abs();
        var energy = WienerRefinement.BoxSum(left.abs().Squared().Plus(right.abs().Squared()), window);
        var similarity = (cross.Times(2) / energy.Plus(1e-20)).Between(0, 1);
        var centre = similarity.Power(_options.Power).to(torch.ScalarType.Float32).unsqueeze(0);
        var stems = torch.stack([centre * spectrum, centre.SubtractedFrom(1) * spectrum]);
        var refined = WienerRefinement.Refine(spectrum, stems, _options.WienerIterations, WienerHalfWindow);
        return refined.narrow(-1, keepStart, keepCount).MoveToOuterDisposeScope();
    }

    private static StftOptions Validated(MidSideOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new StftOptions(options.FftSize, options.HopLength);
    }
}
