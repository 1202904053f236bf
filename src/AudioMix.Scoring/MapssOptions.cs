namespace AudioMix.Scoring;

/// <summary>Settings of a MAPSS run (defaults are the paper's configuration where one exists).</summary>
public sealed record MapssOptions
{
    /// <summary>Seed of the distortion banks' noise (the reference engine's default is 42).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Frames embedded per batched eigendecomposition (1 = one frame at a time).</summary>
    public int FramesPerBatch { get; init; } = 64;

    /// <summary>Signals per encoder call.</summary>
    public int EncoderBatchSize { get; init; } = 8;

    /// <summary>Diffusion-map density normalisation α.</summary>
    public double Alpha { get; init; } = 1;

    /// <summary>Fraction of the eigenvalue mass the retained coordinates must hold.</summary>
    public double EigenvalueCutoff { get; init; } = 0.99;

    /// <summary>Confidence level parameter δ of the probabilistic half-width (0.05 = 95 %).</summary>
    public double Delta { get; init; } = 0.05;

    /// <summary>Crop every signal to the shortest one instead of rejecting unequal lengths (Generation 2 <c>length_policy="trim"</c>).</summary>
    public bool TrimToShortest { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (FramesPerBatch < 1)
        {
            throw new ArgumentException($"FramesPerBatch must be at least 1 (got {FramesPerBatch}).", nameof(FramesPerBatch));
        }

        if (EncoderBatchSize < 1)
        {
            throw new ArgumentException($"EncoderBatchSize must be at least 1 (got {EncoderBatchSize}).", nameof(EncoderBatchSize));
        }

        if (!(Alpha >= 0 && Alpha <= 1))
        {
            throw new ArgumentException($"Alpha must be in [0, 1] (got {Alpha}).", nameof(Alpha));
        }

        if (!(EigenvalueCutoff > 0 && EigenvalueCutoff <= 1))
        {
            throw new ArgumentException($"EigenvalueCutoff must be in (0, 1] (got {EigenvalueCutoff}).", nameof(EigenvalueCutoff));
        }

        if (!(Delta > 0 && Delta < 1))
        {
            throw new ArgumentException($"Delta must be in (0, 1) (got {Delta}).", nameof(Delta));
        }
    }
}
