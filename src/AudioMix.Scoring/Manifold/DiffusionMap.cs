using AudioMix.Audio.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Manifold;

/// <summary>
/// Batched diffusion maps (Coifman &amp; Lafon 2006) as MAPSS builds them (spec §7): squared Euclidean distances,
/// Gaussian kernel exp(−D²/(2ε)) with ε the lower median of the off-diagonal distances (clamped ≥ float32 eps),
/// α-normalisation K/(d_i^α d_j^α), the symmetric conjugate D^(−½) K D^(−½), a full symmetric eigensolve, the
/// trivial pair dropped, eigenvalues clamped at 0, and the eigenvectors of K_sym scaled by λ^t used directly as
/// coordinates (no conversion to Markov right-eigenvectors, as in the reference).
/// </summary>
internal static class DiffusionMap
{
    private const double Float32Epsilon = 1.1920928955078125e-07;

    /// <summary>The embedding of a batch of point clouds.</summary>
    /// <param name="Coordinates"><c>[F, N, N − 1]</c>: ψ_m·λ_m^t, non-trivial eigenpairs sorted by descending eigenvalue.</param>
    /// <param name="Eigenvalues"><c>[F, N − 1]</c>: the non-trivial eigenvalues, descending, clamped ≥ 0.</param>
    /// <param name="TopEigenvalue"><c>[F]</c>: the dropped trivial eigenvalue (≈ 1).</param>
    /// <param name="Retained"><c>[F]</c> (int64): L, the shortest prefix holding ≥ <c>cutoff</c> of the eigenvalue mass.</param>
    /// <param name="Epsilon"><c>[F]</c>: the kernel bandwidth used.</param>
    internal sealed record Result(Tensor Coordinates, Tensor Eigenvalues, Tensor TopEigenvalue, Tensor Retained, Tensor Epsilon);

    /// <summary>
    /// Embeds every cloud of <paramref name="points"/> (<c>[F, N, D]</c>, float64) with one batched
    /// <c>linalg.eigh</c>. Tensors are created in the caller's dispose scope on the input's device.
    /// </summary>
    public static Result Compute(Tensor points, double alpha = 1, double cutoff = 0.99, double diffusionTime = 1)
    {
        var frames = points.shape[0];
        var n = points.shape[1];
        var device = points.device;

        // ‖x_i − x_j‖² through the Gram matrix; exact zeros on the diagonal, tiny negatives clamped.
        var gram = points.matmul(points.transpose(1, 2));
        var squaredNorms = gram.diagonal(0, 1, 2);
        var distances = (squaredNorms.unsqueeze(2).Plus(squaredNorms.unsqueeze(1)) - gram.Times(2)).AtLeast(0.0);
        var offDiagonal = ones(n, n, dtype: ScalarType.Bool, device: device).triu(1);
        distances = distances * eye(n, dtype: ScalarType.Float64, device: device).SubtractedFrom(1);

        // Lower median of the N(N−1)/2 upper-triangular entries (torch.median semantics).
        var upper = distances.masked_select(offDiagonal.unsqueeze(0).expand(frames, n, n)).reshape(frames, -1);
        var pairs = upper.shape[1];
        var epsilon = upper.sort(1).Values.select(1, (pairs - 1) / 2).AtLeast(Float32Epsilon);

        var kernel = (distances.neg() / epsilon.reshape(frames, 1, 1).Times(2)).exp();
        if (alpha != 0)
        {
            var degree = kernel.sum(2).Power(alpha);
            kernel = kernel / (degree.unsqueeze(2) * degree.unsqueeze(1));
        }

        var rootDegree = kernel.sum(2).rsqrt();
        var symmetric = kernel * rootDegree.unsqueeze(2) * rootDegree.unsqueeze(1);

        // Symmetrise exactly before the solve: rounding leaves K_sym asymmetric in the last bits.
        symmetric = symmetric.Plus(symmetric.transpose(1, 2)).Times(0.5);
        var (values, vectors) = linalg.eigh(symmetric);
        values = values.flip(1);
        vectors = vectors.flip(2);

        var top = values.select(1, 0);
        var lambdas = values.narrow(1, 1, n - 1).AtLeast(0.0);
        var psi = vectors.narrow(2, 1, n - 1);

        var total = lambdas.sum(1, keepdim: true);
        var fraction = lambdas.cumsum(1) / total;
        var retained = fraction.LessThan(cutoff).sum(1).Plus(1L).AtMost(n - 1);

        var coordinates = psi * lambdas.Power(diffusionTime).unsqueeze(1);
        return new Result(coordinates, lambdas, top, retained, epsilon);
    }
}
