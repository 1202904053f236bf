using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioMix.ValueExperiment;

/// <summary>
/// A small log-mel CNN (≈165k parameters): four blocks of 3×3 convolution, group normalisation (Wu &amp; He 2018; batch
/// normalisation's TorchSharp module drops its scalars, see AMX0001), ReLU and 2×2 max-pooling (24→48→96→128
/// channels), global average pooling and one linear layer to the class logits. The shape follows the small VGG-style
/// audio taggers (e.g. Kong et al. 2020, PANNs' CNN6, at a fraction of the width).
/// </summary>
internal sealed class FamilyCnn : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _blocks;
    private readonly Linear _head;

    public FamilyCnn(int classes) : base(nameof(FamilyCnn))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var input = 1L;
        var i = 0;
        foreach (var width in new long[] { 24, 48, 96, 128 })
        {
            layers.Add(($"conv{i}", nn.Conv2d(input, width, 3, padding: 1)));
            layers.Add(($"norm{i}", nn.GroupNorm(4, width)));
            layers.Add(($"relu{i}", nn.ReLU()));
            layers.Add(($"pool{i}", nn.MaxPool2d(2)));
            input = width;
            i++;
        }

        _blocks = nn.Sequential(layers);
        _head = nn.Linear(input, classes);
        RegisterComponents();
    }

    /// <summary>Trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary><c>[B, mels, frames]</c> standardised log-mel → <c>[B, classes]</c> logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _blocks.forward(input.unsqueeze(1));
        return _head.forward(x.mean([2L, 3L])).MoveToOuterDisposeScope();
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
