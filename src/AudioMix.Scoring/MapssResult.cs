namespace AudioMix.Scoring;

/// <summary>MAPSS scores of one mixture item: per source, per 20 ms frame.</summary>
/// <param name="Sources">One entry per reference, in input order.</param>
/// <param name="FrameCount">Frames M of the 20 ms grid (frame j starts at j·20 ms).</param>
/// <param name="Encoder">The encoder's label.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record MapssResult(IReadOnlyList<MapssSourceScores> Sources, int FrameCount, string Encoder, MapssTimings Timings)
{
    /// <summary>Frames per second of the grid.</summary>
    public const double FrameRate = 50;

    /// <summary>Start time of frame <paramref name="frame"/> in seconds.</summary>
    public static double FrameTime(int frame) => frame / FrameRate;
}

/// <summary>
/// Scores of one source. Arrays have one value per frame, NaN where the measure is undefined (fewer than two
/// references active, or this source inactive). Means skip NaN ("do not replace NaN with zero"); the PS mean is the
/// plain mean over scored frames, not the paper's Appendix B.4 pooling, which is unavailable.
/// </summary>
/// <param name="MeanPs">Mean PS over scored frames (NaN when none).</param>
/// <param name="MeanPm">Mean PM over scored frames (NaN when none).</param>
/// <param name="ScoredFrames">How many frames carry a score.</param>
/// <param name="Ps">Perceptual Separation per frame, in [0, 1].</param>
/// <param name="Pm">Perceptual Match per frame, in [0, 1].</param>
/// <param name="PsBias">Deterministic error radius of PS.</param>
/// <param name="PsProb">95 % half-width of PS.</param>
/// <param name="PmBias">Deterministic error radius of PM.</param>
/// <param name="PmProb">95 % half-width of PM.</param>
/// <param name="PmShape">
/// Per frame, the shape k of the Gamma fitted to the distortions' squared Mahalanobis distances (NaN where undefined
/// or degenerate). PM = Q(k, a/θ) with a ≥ 1e-6, so even an output equal to its reference scores
/// Q(k, 1e-6/θ) ≈ 1 − (1e-6/θ)^k / Γ(k + 1): close to 1 for k ≳ 0.5, visibly below it (0.9–0.99) when a few distortions
/// barely move the frame and k falls to 0.15–0.3. A low PM at a low k says more about the bank at that frame than
/// about the output.
/// </param>
/// <param name="PmScale">Per frame, the Gamma scale θ of the same fit.</param>
public sealed record MapssSourceScores(
    double MeanPs,
    double MeanPm,
    int ScoredFrames,
    IReadOnlyList<double> Ps,
    IReadOnlyList<double> Pm,
    IReadOnlyList<double> PsBias,
    IReadOnlyList<double> PsProb,
    IReadOnlyList<double> PmBias,
    IReadOnlyList<double> PmProb,
    IReadOnlyList<double> PmShape,
    IReadOnlyList<double> PmScale);

/// <summary>Wall-clock split of a run.</summary>
/// <param name="Banks">Generating and loudness-normalising the distortion banks.</param>
/// <param name="Encoder">Encoding every signal.</param>
/// <param name="Manifold">Diffusion maps and measures.</param>
public sealed record MapssTimings(TimeSpan Banks, TimeSpan Encoder, TimeSpan Manifold);
