using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Separation.Spectral;

/// <summary>
/// Multichannel Wiener filtering of initial stem estimates (Duong, Vincent &amp; Gribonval 2010 local Gaussian
/// model; the EM-style refinement of Nugraha, Liutkus &amp; Vincent 2016 as in open-unmix's "norbert"): each stem is
/// modelled as <c>v_j(f,t)·R_j(f,t)</c> — a power spectral density times a 2×2 spatial covariance — and re-estimated
/// as <c>y_j = v_j R_j (Σ_k v_k R_k)⁻¹ x</c>. Mono (or more than two channels) reduces to the single-channel Wiener
/// gain <c>v_j ÷ Σ_k v_k</c> per channel.
/// </summary>
/// <remarks>
/// The spatial covariances are averaged over a window of ±<c>halfWindow</c> frames instead of the whole track, so
/// each frame depends on bounded context and the filter streams exactly (a slowly time-varying mix is also the
/// more realistic model for long recordings).
/// </remarks>
internal static class WienerRefinement
{
    private const double Epsilon = 1e-10;

    /// <summary>Frames of context the refinement adds on each side.</summary>
    public static int ContextFrames(int iterations, int halfWindow) => iterations * halfWindow;

    /// <summary>Refines complex <c>[stems, channels, bins, frames]</c> estimates of the mixture <c>[channels, bins, frames]</c>.</summary>
    public static torch.Tensor Refine(torch.Tensor mixture, torch.Tensor stems, int iterations, int halfWindow)
    {
        if (iterations <= 0)
        {
            return stems.alias();
        }

        using var scope = torch.NewDisposeScope();
        var y = stems;
        for (var i = 0; i < iterations; i++)
        {
            y = mixture.shape[0] == 2 ? Stereo(mixture, y, halfWindow) : SingleChannel(mixture, y);
        }

        return y.MoveToOuterDisposeScope();
    }

    private static torch.Tensor SingleChannel(torch.Tensor mixture, torch.Tensor stems)
    {
        var power = stems.abs().Squared();
        var gain = power / power.sum(dim: 0, keepdim: true).Plus(Epsilon);
        return gain * mixture.unsqueeze(0);
    }

    private static torch.Tensor Stereo(torch.Tensor mixture, torch.Tensor stems, int halfWindow)
    {
        var y = stems.to(torch.ScalarType.ComplexFloat64);
        var x = mixture.to(torch.ScalarType.ComplexFloat64);
        var y1 = y.select(1, 0);
        var y2 = y.select(1, 1);

        // v_j: the stem's power averaged over channels; R_j: its normalised spatial covariance, smoothed over time.
        var p1 = y1.abs().Squared();
        var p2 = y2.abs().Squared();
        var v = p1.Plus(p2).Times(0.5);
        var vSum = BoxSum(v, halfWindow).Plus(Epsilon);
        var r11 = BoxSum(p1, halfWindow) / vSum;
        var r22 = BoxSum(p2, halfWindow) / vSum;
        var r12 = BoxSum(y1 * y2.conj(), halfWindow) / vSum;

        // Mixture covariance C = Σ_j v_j R_j (+ ε I for invertibility), and its 2×2 inverse.
        var c11 = (v * r11).sum(dim: 0).Plus(Epsilon);
        var c22 = (v * r22).sum(dim: 0).Plus(Epsilon);
        var c12 = (v * r12).sum(dim: 0);
        var det = (c11 * c22).Minus(c12.abs().Squared());
        var x1 = x.select(0, 0);
        var x2 = x.select(0, 1);

        // z = C⁻¹ x, then y_j = v_j R_j z.
        var z1 = (c22 * x1).Minus(c12 * x2) / det;
        var z2 = (c11 * x2).Minus(c12.conj() * x1) / det;
        var out1 = v * (r11 * z1).Plus(r12 * z2);
        var out2 = v * (r12.conj() * z1).Plus(r22 * z2);
        return torch.stack([out1, out2], 1).to(stems.dtype);
    }

    /// <summary>
    /// Sum over frames [t − w, t + w] ∩ [0, frames) along the last axis (exact at the tensor's edges), computed in
    /// double precision (a difference of running sums) and returned as float64/complex128.
    /// </summary>
    internal static torch.Tensor BoxSum(torch.Tensor input, int w)
    {
        var x = input.is_complex() ? input.to(torch.ScalarType.ComplexFloat64) : input.to(torch.ScalarType.Float64);
        var frames = x.shape[^1];
        var cumulative = torch.nn.functional.pad(x.cumsum(-1), [1, 0]);
        var index = KeptScalars.Range(frames, x.device);
        var upper = index.Plus(w + 1).AtMost(frames);
        var lower = index.Plus(-w).AtLeast(0);
        return cumulative.index_select(-1, upper).Minus(cumulative.index_select(-1, lower));
    }
}
