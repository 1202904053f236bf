using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioMix.ValueExperiment;

/// <summary>
/// A small log-mel CNN (≈170k parameters): four blocks of 3×3 convolution, group normalisation (Wu &amp; He 2018, see
/// <see cref="GroupNormalization"/>), ReLU and 2×2 max-pooling (24→48→96→128
/// channels), then an average over time only and one linear layer over the 128 channels × 4 remaining frequency bands.
/// The blocks follow the small VGG-style audio taggers (Kong et al. 2020, PANNs' CNN6, at a fraction of the width);
/// keeping the coarse frequency axis instead of pooling it away matters here because register (bass against pipe) is
/// a cue, and a convolution stack pooled over frequency is nearly blind to where in frequency a pattern sits.
/// </summary>
internal sealed class FamilyCnn : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _blocks;
    private readonly Linear _head;

    /// <summary>A model for <paramref name="mels"/>-band input (a multiple of 16: four poolings halve it).</summary>
    public FamilyCnn(int classes, int mels) : base(nameof(FamilyCnn))
    {
        if (mels <= 0 || mels % 16 != 0)
        {
            throw new ArgumentException($"the mel band count must be a positive multiple of 16; got {mels}.", nameof(mels));
        }

        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var input = 1L;
        var i = 0;
        foreach (var width in new long[] { 24, 48, 96, 128 })
        {
            layers.Add(($"conv{i}", nn.Conv2d(input, width, 3, padding: 1)));
            layers.Add(($"norm{i}", new GroupNormalization(4, width)));
            layers.Add(($"relu{i}", nn.ReLU()));
            layers.Add(($"pool{i}", nn.MaxPool2d(2)));
            input = width;
            i++;
        }

        _blocks = nn.Sequential(layers);
        _head = nn.Linear(input * (mels / 16), classes);
        RegisterComponents();
    }

    /// <summary>Trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary><c>[B, mels, frames]</c> standardised log-mel → <c>[B, classes]</c> logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _blocks.forward(input.unsqueeze(1));
        return _head.forward(x.mean([3L]).flatten(1)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _blocks.Dispose();
            _head.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Group normalisation (Wu &amp; He 2018) with a per-channel affine map initialised to γ = 1, β = 0, over libtorch's
/// <c>group_norm</c>. Not TorchSharp's modules: 0.107's <c>GroupNorm</c> leaves γ and β uninitialised (we read values up to
/// 1e32) and its forward pass gave different outputs for identical weights; its <c>BatchNorm</c> drops its scalars
/// (AMX0001).
/// </summary>
internal sealed class GroupNormalization : nn.Module<Tensor, Tensor>
{
    private readonly long _groups;
    private readonly Parameter weight;
    private readonly Parameter bias;

    public GroupNormalization(long groups, long channels) : base(nameof(GroupNormalization))
    {
        _groups = groups;
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.group_norm(input, _groups, weight, bias, 1e-5);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
        }

        base.Dispose(disposing);
    }
}
