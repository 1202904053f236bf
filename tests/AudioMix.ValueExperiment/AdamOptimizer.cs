using TorchSharp;

namespace AudioMix.ValueExperiment;

/// <summary>
/// Adam (Kingma &amp; Ba 2015, Algorithm 1, default β₁ = 0.9, β₂ = 0.999, ε = 1e-8), written out because TorchSharp's
/// <c>Adam.step</c> hands libtorch scalars it does not keep alive (AMX0001): here every scalar is owned and disposed
/// after the native call.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly torch.Tensor[] _parameters;
    private readonly torch.Tensor[] _firstMoments;
    private readonly torch.Tensor[] _secondMoments;
    private readonly double _learningRate;
    private int _step;

    public AdamOptimizer(IEnumerable<torch.Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        _learningRate = learningRate;
        _firstMoments = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoments = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            if (p.grad is { } grad)
            {
                grad.zero_();
            }
        }
    }

    /// <summary>One update from the parameters' current gradients.</summary>
    public void Step()
    {
        _step++;
        var correction1 = 1 - Math.Pow(Beta1, _step);
        var correction2 = 1 - Math.Pow(Beta2, _step);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var one = 1.0.ToScalar();
        using var negativeStep = (-_learningRate / correction1).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (_parameters[i].grad is not { } grad)
            {
                continue;
            }

            // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε), with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
            _firstMoments[i].mul_(beta1).add_(grad, oneMinusBeta1);
            _secondMoments[i].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = _secondMoments[i].sqrt().div_(sqrtCorrection2).add_(epsilon, one);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, negativeStep);
        }
    }

    public void Dispose()
    {
        foreach (var t in _firstMoments.Concat(_secondMoments))
        {
            t.Dispose();
        }
    }
}
