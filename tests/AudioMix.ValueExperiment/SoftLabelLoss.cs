using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.ValueExperiment;

/// <summary>
/// Cross-entropy against soft targets, <c>−(1/B) Σ_b Σ_k t_bk · log softmax(z_b)_k</c>: with one-hot targets it is the
/// usual cross-entropy; with mixup's λ-weighted targets it is the loss Zhang et al. (2018) train with.
/// </summary>
internal static class SoftLabelLoss
{
    /// <summary>The mean loss over the batch of <paramref name="logits"/> <c>[B, K]</c> and <paramref name="targets"/> <c>[B, K]</c> (rows summing to 1).</summary>
    public static torch.Tensor Compute(torch.Tensor logits, torch.Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (!logits.shape.SequenceEqual(targets.shape) || logits.dim() != 2)
        {
            throw new ArgumentException($"logits [{string.Join(", ", logits.shape)}] and targets [{string.Join(", ", targets.shape)}] must both be [batch, classes].");
        }

        using var scope = torch.NewDisposeScope();
        var logProbabilities = torch.nn.functional.log_softmax(logits, 1);
        return (targets * logProbabilities).sum(1).mean().neg().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The target vector of a manifest's label weights over the task's classes (<see cref="InstrumentFamily.Labels"/>),
    /// normalised to sum to 1.
    /// </summary>
    /// <exception cref="ArgumentException">No weight, a negative weight, or a label that is not a class of the task.</exception>
    public static float[] Targets(IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var targets = new float[InstrumentFamily.All.Count];
        var total = 0.0;
        foreach (var (label, weight) in weights)
        {
            if (!(weight >= 0) || !double.IsFinite(weight))
            {
                throw new ArgumentException($"label '{label}' has weight {weight}; weights must be finite and ≥ 0.", nameof(weights));
            }

            targets[InstrumentFamily.IndexOf(label)] += (float)weight;
            total += weight;
        }

        if (total <= 0)
        {
            throw new ArgumentException("the label weights are empty or all zero.", nameof(weights));
        }

        for (var k = 0; k < targets.Length; k++)
        {
            targets[k] = (float)(targets[k] / total);
        }

        return targets;
    }
}
