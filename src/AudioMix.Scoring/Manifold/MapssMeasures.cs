using AudioMix.Audio.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Manifold;

/// <summary>Where one active source's points sit in a frame's cloud: reference at <c>Offset</c>, output at <c>Offset + 1</c>, its distortions after.</summary>
/// <param name="Offset">Row of the reference point.</param>
/// <param name="Distortions">Number of distortion points.</param>
internal sealed record SourceLayout(int Offset, int Distortions)
{
    /// <summary>Row of the output point.</summary>
    public int Output => Offset + 1;

    /// <summary>Rows of the cluster (reference and distortions; never the output).</summary>
    public long[] ClusterRows => [Offset, .. Enumerable.Range(Offset + 2, Distortions).Select(i => (long)i)];

    /// <summary>Rows of the distortions only.</summary>
    public long[] DistortionRows => [.. Enumerable.Range(Offset + 2, Distortions).Select(i => (long)i)];
}

/// <summary>One measure for one source over a batch of frames (each <c>[F]</c>, float64).</summary>
/// <param name="Score">PS or PM in [0, 1].</param>
/// <param name="Bias">The deterministic error radius.</param>
/// <param name="Prob">The 95 % high-probability half-width.</param>
/// <param name="GammaShape">PM only: the method-of-moments Gamma shape k of the distortions' squared distances (NaN where degenerate).</param>
/// <param name="GammaScale">PM only: the Gamma scale θ (NaN where degenerate).</param>
internal sealed record MeasureBatch(Tensor Score, Tensor Bias, Tensor Prob, Tensor? GammaShape = null, Tensor? GammaScale = null);

/// <summary>
/// Perceptual Separation and Perceptual Match from diffusion coordinates (spec §8–§9), batched over frames that share
/// one active-source layout. Coordinates are split per frame into the retained block (the first L columns) and its
/// complement; frames with a smaller L get zero columns, which add only the ridge on their own diagonal block and so
/// leave every Mahalanobis form, Schur complement and residual exactly as for the truncated coordinates.
/// Generation 2 guards throughout (always-on ridge 1e-6, clamped quadratic forms, PS clipped, degenerate-Gamma rule).
/// </summary>
internal static class MapssMeasures
{
    private const double Ridge = 1e-6;
    private const double SchurJitter = 1e-9;

    /// <summary>PS for every source in <paramref name="layout"/> (all active in these frames).</summary>
    public static MeasureBatch[] Separation(DiffusionMap.Result map, IReadOnlyList<SourceLayout> layout, double delta)
    {
        var (u, v, retained, lMax, hasRest) = Split(map);
        var clusters = layout.Select(s => Cluster.Of(u, v, s.ClusterRows, uncentredCross: false, lMax, retained, spectrum: true)).ToArray();
        var results = new MeasureBatch[layout.Count];
        for (var s = 0; s < layout.Count; s++)
        {
            var outU = u.select(1, layout[s].Output);
            var outV = v.select(1, layout[s].Output);
            var own = clusters[s];
            var a = Distance(own.Precision(outU.unsqueeze(1) - own.MeanU)).squeeze(1);
            var tauOwn = own.Conditional(outU - own.MeanU.squeeze(1), outV - own.MeanV.squeeze(1));

            // Nearest other active cluster: B = min_o B_o, and its conditional term and spread.
            var others = Enumerable.Range(0, layout.Count).Where(o => o != s).ToArray();
            var bs = stack(others.Select(o => Distance(clusters[o].Precision(outU.unsqueeze(1) - clusters[o].MeanU)).squeeze(1)).ToArray(), 1);
            var (b, nearest) = bs.min(1);
            var tauOthers = stack(others.Select(o => clusters[o].Conditional(outU - clusters[o].MeanU.squeeze(1), outV - clusters[o].MeanV.squeeze(1))).ToArray(), 1);
            var tauOther = tauOthers.gather(1, nearest.unsqueeze(1)).squeeze(1);

            // PS = 1 − A/(A + B + 1e-6), clipped (Generation 2).
            var sum = a.Plus(b);
            var score = (a / sum.Plus(1e-6)).SubtractedFrom(1).Between(0, 1);

            // Error radius: first-order sensitivity of B/(A + B) to the truncated coordinates.
            var bias = (b * tauOwn.AtLeast(0.0).sqrt()).Plus(a * tauOther.AtLeast(0.0).sqrt()) / sum.Squared();

            // 95 % half-width from covariance concentration (effective sample size 0.7·|C_s|).
            var nEff = Math.Max(Math.Floor(0.7 * (layout[s].Distortions + 1)), 3);
            var logTerm = Math.Log(2 / (delta / 2));
            var epsOwn = own.Spread(a, nEff, logTerm);
            var epsOthers = stack(others.Select(o => clusters[o].Spread(b, nEff, logTerm)).ToArray(), 1);
            var epsOther = epsOthers.gather(1, nearest.unsqueeze(1)).squeeze(1);
            var grad = a.Squared().Plus(b.Squared()).sqrt() / sum.Squared();
            var prob = (grad * epsOwn.Squared().Plus(epsOther.Squared()).sqrt()).AtMost(1.0);

            results[s] = new MeasureBatch(score, Finite(bias * hasRest), Finite(prob * hasRest));
        }

        return results;
    }

    /// <summary>PM for every source in <paramref name="layout"/> (all active in these frames).</summary>
    public static MeasureBatch[] Match(DiffusionMap.Result map, IReadOnlyList<SourceLayout> layout, double delta)
    {
        var (u, v, retained, lMax, hasRest) = Split(map);
        var frames = u.shape[0];
        var results = new MeasureBatch[layout.Count];
        foreach (var (source, s) in layout.Select((x, i) => (x, i)))
        {
            var np = source.Distortions;
            if (np < 2)
            {
                var zero = zeros(frames, dtype: ScalarType.Float64, device: u.device);
                var undefined = zero.Plus(double.NaN);
                results[s] = new MeasureBatch(zero, zero, zero, undefined, undefined);
                continue;
            }

            var rows = tensor(source.DistortionRows, device: u.device);
            var refU = u.select(1, source.Offset).unsqueeze(1);
            var refV = v.select(1, source.Offset).unsqueeze(1);
            var devU = u.index_select(1, rows) - refU;
            var outU = u.select(1, source.Output).unsqueeze(1) - refU;

            // Second moment about the reference (not the mean), plus the ridge.
            var sigma = devU.transpose(1, 2).matmul(devU).DividedBy(np - 1).Plus(RidgeMatrix(lMax, u.device));
            var factor = linalg.cholesky(sigma);
            var g = WhitenedNorm(factor, devU).AtLeast(0.0).Plus(1e-6);
            var aQuad = WhitenedNorm(factor, outU).squeeze(1).AtLeast(0.0);
            var a = aQuad.Plus(1e-6);

            // Method-of-moments Gamma fit of the distortions' squared distances: PM = Q(k, a/θ).
            var mu = g.mean([1]);
            var variance = g.var(1);
            var shape = mu.Squared() / variance;
            var scale = variance / mu;
            var pm = special.gammaincc(shape, a / scale).Between(0, 1);
            var healthy = mu.GreaterThan(0).logical_and(variance.GreaterThan(0)).logical_and(mu.isfinite()).logical_and(variance.isfinite());
            var degenerate = aQuad.AtMostValue(1e-12).to(ScalarType.Float64);
            pm = where(healthy, pm, degenerate);

            // Confidence: mean-centred retained covariance, uncentred cross-covariance, Schur complement.
            var devV = v.index_select(1, rows) - refV;
            var outV = v.select(1, source.Output).unsqueeze(1) - refV;
            var cluster = Cluster.Of(devU, devV, null, uncentredCross: true, lMax, retained, spectrum: false);
            var gk = cluster.Precision(devU);
            var aCi = cluster.Precision(outU).squeeze(1);
            var tauK = cluster.ConditionalRows(devU, devV);
            var deltaA = cluster.ConditionalRows(outU, outV).squeeze(1);
            var (bias, prob) = MatchIntervals(gk, aCi, tauK, deltaA, np, delta);
            results[s] = new MeasureBatch(pm, Finite(bias * hasRest), Finite(prob * hasRest), shape.WhereElse(healthy, double.NaN), scale.WhereElse(healthy, double.NaN));
        }

        return results;
    }

    private static (Tensor Bias, Tensor Prob) MatchIntervals(Tensor g, Tensor a, Tensor tau, Tensor deltaA, int np, double delta)
    {
        var muG = g.mean([1]);
        var varG = g.var(1).Plus(1e-12);
        var full = g.Plus(tau);
        var muFull = full.mean([1]);
        var varFull = full.var(1).Plus(1e-12);
        var k = muG.Squared() / varG;
        var theta = varG / muG;
        var centre = special.gammaincc(k, a / theta);

        var deltaGMax = tau.amax([1]);
        var factor = deltaGMax.Times(np / (np - 1.0));
        var dk = factor * muFull.Plus(muG) / varG;
        var dTheta = factor * varFull.Plus(varG) / muG.Squared().Plus(1e-9);

        var bias = Corners(centre, (sk, sa, st) =>
            special.gammaincc(
                k.Plus(dk.Times(sk)).AtLeast(1e-6),
                a.Plus(deltaA.Times(sa)).AtLeast(1e-8) / theta.Plus(dTheta.Times(st)).AtLeast(1e-6)));

        var r2 = g.amax([1]);
        var ell = Math.Log(6 / delta);
        // ε_μ = √(2σ²ℓ/n) + 3Rℓ/n and ε_σ = √(2R²ℓ/n) + 3R²ℓ/n (Bernstein), R = max g.
        var epsMu = varG.Times(2 * ell / np).sqrt().Plus(r2.Times(3 * ell / np));
        var epsSigma = r2.Squared().Times(2 * ell / np).sqrt().Plus(r2.Squared().Times(3 * ell / np));
        var sigma = varG.sqrt();
        var dkdmu = muG.Times(2) / varG.Plus(1e-9);
        var dkdsigma = muG.Squared().Times(-2) / sigma.Power(3).Plus(1e-9);
        var dthdmu = varG.neg() / muG.Squared().Plus(1e-9);
        var dthdsigma = sigma.Times(2) / muG.Plus(1e-9);
        var deltaK = minimum((dkdmu.abs() * epsMu).Plus(dkdsigma.abs() * epsSigma), k.Times(0.5));
        var deltaTheta = minimum((dthdmu.abs() * epsMu).Plus(dthdsigma.abs() * epsSigma), theta.Times(0.5));
        var deltaA2 = minimum(r2.Times(Math.Sqrt(2 * ell / np)), a.Times(0.5).Plus(1e-12));
        var prob = Corners(centre, (sk, sa, st) =>
            special.gammaincc(
                k.Plus(deltaK.Times(sk)),
                a.Plus(deltaA2.Times(sa)).AtLeast(1e-8) / theta.Plus(deltaTheta.Times(st))));
        return (bias, prob);
    }

    /// <summary>max over the 8 sign corners of |Q(corner) − centre|.</summary>
    private static Tensor Corners(Tensor centre, Func<double, double, double, Tensor> q)
    {
        Tensor? best = null;
        foreach (var sk in new[] { -1.0, 1.0 })
        {
            foreach (var sa in new[] { -1.0, 1.0 })
            {
                foreach (var st in new[] { -1.0, 1.0 })
                {
                    var d = (q(sk, sa, st) - centre).abs();
                    best = best is null ? d : maximum(best, d);
                }
            }
        }

        return best!;
    }

    private static Tensor Finite(Tensor x) => nan_to_num(x, 0, 0, 0);

    private static Tensor Distance(Tensor quadratic) => quadratic.AtLeast(0.0).Plus(1e-6).sqrt();

    private static Tensor RidgeMatrix(long size, Device device) => eye(size, dtype: ScalarType.Float64, device: device).unsqueeze(0).Times(Ridge);

    /// <summary>dᵀ Σ⁻¹ d = ‖F⁻¹d‖² for every row of <paramref name="d"/> (<c>[F, k, L]</c>) → <c>[F, k]</c>, F the lower Cholesky factor of Σ.</summary>
    private static Tensor WhitenedNorm(Tensor factor, Tensor d) =>
        linalg.solve_triangular(factor, d.transpose(1, 2), upper: false).Squared().sum(1);

    /// <summary>Retained and complement coordinates, zero-padded per frame (see the class remarks).</summary>
    private static (Tensor U, Tensor V, Tensor Retained, long LMax, Tensor HasRest) Split(DiffusionMap.Result map)
    {
        var coordinates = map.Coordinates;
        var width = coordinates.shape[2];
        var retained = map.Retained;
        var lMax = retained.max().item<long>();
        var lMin = retained.min().item<long>();
        var device = coordinates.device;
        var keep = KeptScalars.Range(lMax, device).unsqueeze(0) < retained.unsqueeze(1);
        var u = coordinates.narrow(2, 0, lMax) * keep.unsqueeze(1).to(ScalarType.Float64);
        var restWidth = width - lMin;
        Tensor v;
        if (restWidth > 0)
        {
            var rest = KeptScalars.Range(restWidth, device).unsqueeze(0).Plus(lMin) >= retained.unsqueeze(1);
            v = coordinates.narrow(2, lMin, restWidth) * rest.unsqueeze(1).to(ScalarType.Float64);
        }
        else
        {
            v = zeros(coordinates.shape[0], coordinates.shape[1], 1, dtype: ScalarType.Float64, device: device);
        }

        var hasRest = retained.LessThan(width).to(ScalarType.Float64);
        return (u, v, retained, lMax, hasRest);
    }

    /// <summary>A cluster's retained/complement statistics for Mahalanobis distances and Schur-complement residuals.</summary>
    private sealed class Cluster
    {
        public required Tensor MeanU { get; init; }

        public required Tensor MeanV { get; init; }

        /// <summary>Σ_U (ridge included).</summary>
        public required Tensor SigmaU { get; init; }

        /// <summary>Lower Cholesky factor of Σ_U: every Σ_U⁻¹ product is two triangular solves.</summary>
        public required Tensor Factor { get; init; }

        public required Tensor Cross { get; init; }

        /// <summary>Σ_U⁻¹ C.</summary>
        public required Tensor Whitened { get; init; }

        public required Tensor Schur { get; init; }

        /// <summary>Eigenvalues (ascending) of the centred points' Gram matrix / (n − 1): the non-zero spectrum of Σ_U without the ridge.</summary>
        public required Tensor GramEigenvalues { get; init; }

        public required Tensor Retained { get; init; }

        /// <summary>
        /// Statistics of the rows <paramref name="rows"/> (all rows when null) of <paramref name="u"/>/<paramref name="v"/>.
        /// With <paramref name="uncentredCross"/> (PM intervals), the cross-covariance is taken about the origin
        /// (the points are already deviations from the reference) while Σ_U and Σ_V stay mean-centred.
        /// </summary>
        public static Cluster Of(Tensor u, Tensor v, long[]? rows, bool uncentredCross, long lMax, Tensor retained, bool spectrum)
        {
            var device = u.device;
            var pu = rows is null ? u : u.index_select(1, tensor(rows, device: device));
            var pv = rows is null ? v : v.index_select(1, tensor(rows, device: device));
            var n = pu.shape[1];
            var meanU = pu.mean([1], keepdim: true);
            var meanV = pv.mean([1], keepdim: true);
            var cu = pu - meanU;
            var cv = pv - meanV;
            var sigmaU = cu.transpose(1, 2).matmul(cu).DividedBy(n - 1).Plus(RidgeMatrix(lMax, device));
            var sigmaV = cv.transpose(1, 2).matmul(cv).DividedBy(n - 1).Plus(RidgeMatrix(pv.shape[2], device));
            var cross = (uncentredCross ? pu.transpose(1, 2).matmul(pv) : cu.transpose(1, 2).matmul(cv)).DividedBy(n - 1);
            var factor = linalg.cholesky(sigmaU);
            var whitened = CholeskySolve(factor, cross);
            var schur = (sigmaV - cross.transpose(1, 2).matmul(whitened))
                .Plus(eye(pv.shape[2], dtype: ScalarType.Float64, device: device).unsqueeze(0).Times(SchurJitter));

            // The spectrum of cuᵀcu/(n − 1) (L × L) equals that of cu·cuᵀ/(n − 1) (n × n) plus zeros: solve the smaller one.
            var gram = spectrum ? linalg.eigvalsh(cu.matmul(cu.transpose(1, 2)).DividedBy(n - 1)).AtLeast(0.0) : cu;
            return new Cluster
            {
                MeanU = meanU,
                MeanV = meanV,
                SigmaU = sigmaU,
                Factor = factor,
                Cross = cross,
                Whitened = whitened,
                Schur = schur,
                GramEigenvalues = gram,
                Retained = retained,
            };
        }

        /// <summary>Quadratic forms dᵀ Σ_U⁻¹ d of deviations <c>[F, k, L]</c> → <c>[F, k]</c> (‖F⁻¹d‖²).</summary>
        public Tensor Precision(Tensor deviations) =>
            linalg.solve_triangular(Factor, deviations.transpose(1, 2), upper: false).Squared().sum(1);

        /// <summary>τ = ρᵀ S⁻¹ ρ with ρ = Δv − Cᵀ Σ_U⁻¹ Δu, for one point per frame (<c>[F, L]</c>, <c>[F, m]</c>).</summary>
        public Tensor Conditional(Tensor du, Tensor dv) => ConditionalRows(du.unsqueeze(1), dv.unsqueeze(1)).squeeze(1);

        /// <summary>τ for every row of <c>[F, k, L]</c> / <c>[F, k, m]</c> deviations → <c>[F, k]</c>.</summary>
        public Tensor ConditionalRows(Tensor du, Tensor dv)
        {
            var residual = dv.transpose(1, 2) - Whitened.transpose(1, 2).matmul(du.transpose(1, 2));
            var solved = linalg.solve(Schur, residual);
            return (residual * solved).sum(1);
        }

        /// <summary>
        /// ε(x) = 2√x·mean_dev·√(λ_max/λ_min,eff) + x·rel_cov_dev from the spectrum of the truncated Σ_U (L_f values:
        /// the Gram eigenvalues plus the ridge, and the ridge alone for the L_f − rank remaining directions).
        /// </summary>
        public Tensor Spread(Tensor x, double nEff, double logTerm)
        {
            var n = GramEigenvalues.shape[1];
            var lambdaMax = GramEigenvalues.select(1, -1).Plus(Ridge);

            // Ascending Gram eigenvalues g_0..g_{n−1}: the smallest of the L_f-dimensional covariance is g[n − L_f]
            // when L_f ≤ n, and 0 otherwise (more directions than points).
            var index = Retained.neg().Plus(n).AtLeast(0L).AtMost(n - 1);
            var smallest = GramEigenvalues.gather(1, index.unsqueeze(1)).squeeze(1) * Retained.AtMostValue(n).to(ScalarType.Float64);
            var lambdaMin = smallest.Plus(Ridge).AtLeast(1e-9);
            var lambdaMinEff = maximum(lambdaMin, lambdaMax.Times(0.05));
            var trace = GramEigenvalues.sum(1).Plus(Retained.to(ScalarType.Float64).Times(Ridge));
            var r = trace / lambdaMax;
            var meanDev = lambdaMax.Times(2 * logTerm / nEff).sqrt();
            var relCovDev = r.DividedBy(nEff).sqrt().Plus(r.Plus(logTerm).DividedBy(nEff));
            return (x.sqrt().Times(2) * meanDev * (lambdaMax / lambdaMinEff).sqrt()).Plus(x * relCovDev);
        }

        private static Tensor CholeskySolve(Tensor factor, Tensor b) =>
            linalg.solve_triangular(factor.transpose(1, 2), linalg.solve_triangular(factor, b, upper: false), upper: true);
    }
}
