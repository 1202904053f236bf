using System.Globalization;
using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// HPSS by median filtering (Fitzgerald 2010): per channel, H = median of |X| along time, P = median along
/// frequency; soft masks Hᵖ ÷ (Hᵖ + (βP)ᵖ) and Pᵖ ÷ (Pᵖ + (βH)ᵖ) (Driedger et al. 2014; β = 1 gives Fitzgerald's
/// complementary masks, and bins where both are zero split evenly, as in librosa). Stems: "percussive" (drums,
/// onsets) and "harmonic" (sustained tones), plus "residual" when asked for.
/// </summary>
internal sealed class HpssSeparator : SpectralSeparator
{
    private readonly HpssOptions _options;
    private readonly string[] _stems;

    public HpssSeparator(HpssOptions options, torch.Device? device = null, int blockFrames = 0)
        : base(Validated(options), device, blockFrames)
    {
        _options = options;
        _stems = options.ResidualStem && options.Margin > 1 ? ["percussive", "harmonic", "residual"] : ["percussive", "harmonic"];
    }

    public override string Method => "hpss";

    public override IReadOnlyList<string> StemNames => _stems;

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["fftSize"] = _options.FftSize,
        ["hopLength"] = _options.HopLength,
        ["harmonicKernelSeconds"] = _options.HarmonicKernelSeconds,
        ["percussiveKernelHz"] = _options.PercussiveKernelHz,
        ["power"] = _options.Power,
        ["margin"] = _options.Margin,
        ["residualStem"] = _options.ResidualStem.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        ["wienerIterations"] = _options.WienerIterations,
        ["wienerWindowSeconds"] = _options.WienerWindowSeconds,
    };

    protected override int ContextFrames =>
        (OddFrames(_options.HarmonicKernelSeconds) / 2) + WienerRefinement.ContextFrames(_options.WienerIterations, WienerHalfWindow);

    private int WienerHalfWindow => Math.Max(1, (int)Math.Round(_options.WienerWindowSeconds / FrameSeconds));

    protected override torch.Tensor Estimate(torch.Tensor spectrum, int keepStart, int keepCount)
    {
        using var scope = torch.NewDisposeScope();
        var magnitude = spectrum.abs();
        var harmonic = MedianFilter.Apply(magnitude, OddFrames(_options.HarmonicKernelSeconds), 2);
        var percussive = MedianFilter.Apply(magnitude, OddBins(_options.PercussiveKernelHz), 1);
        var masks = Masks(harmonic, percussive, _options.Power, _options.Margin);
        if (!_options.ResidualStem || _options.Margin <= 1)
        {
            // Two stems: what neither margin mask claims is split evenly, so the stems still sum to the mixture.
            var half = masks.R.Times(0.5);
            masks = (masks.P.Plus(half), masks.H.Plus(half), masks.R);
        }

        var stemMasks = _stems.Length == 3
            ? torch.stack([masks.P, masks.H, masks.R])
            : torch.stack([masks.P, masks.H]);
        var stems = stemMasks * spectrum.unsqueeze(0);
        var refined = WienerRefinement.Refine(spectrum, stems, _options.WienerIterations, WienerHalfWindow);
        return refined.narrow(-1, keepStart, keepCount).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Soft masks with librosa's numerics: both inputs are divided by their maximum before the power so large
    /// exponents cannot overflow, and bins where both are zero give ½ to each (only when β = 1).
    /// </summary>
    internal static (torch.Tensor P, torch.Tensor H, torch.Tensor R) Masks(torch.Tensor harmonic, torch.Tensor percussive, double power, double margin)
    {
        var h = harmonic;
        var p = percussive.Times(margin);
        var hp = percussive;
        var hh = harmonic.Times(margin);
        var maskH = SoftMask(h, p, power);
        var maskP = SoftMask(hp, hh, power);
        return (maskP, maskH, maskP.Plus(maskH).SubtractedFrom(1));
    }

    private static torch.Tensor SoftMask(torch.Tensor x, torch.Tensor reference, double power)
    {
        var z = torch.maximum(x, reference);
        var tiny = z.LessThan(1e-30);
        var zSafe = z.WhereElse(tiny.logical_not(), 1.0);
        var xp = (x / zSafe).Power(power);
        var rp = (reference / zSafe).Power(power);
        var mask = xp / xp.Plus(rp);
        return mask.WhereElse(tiny.logical_not(), 0.5);
    }

    private static StftOptions Validated(HpssOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new StftOptions(options.FftSize, options.HopLength);
    }
}
