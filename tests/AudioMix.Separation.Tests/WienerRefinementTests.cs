using AudioMix.Separation.Spectral;
using TorchSharp;

namespace AudioMix.Separation.Tests;

public sealed class WienerRefinementTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Refined_stems_still_sum_to_the_mixture_and_follow_the_initial_split(int channels)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var a = torch.complex(torch.randn(channels, 33, 40), torch.randn(channels, 33, 40));
        var b = torch.complex(torch.randn(channels, 33, 40), torch.randn(channels, 33, 40)) * 0.1;
        var mixture = a + b;
        var initial = torch.stack([a, b]);
        var refined = WienerRefinement.Refine(mixture, initial, iterations: 2, halfWindow: 5);

        Assert.Equal(initial.shape, refined.shape);
        var residual = (refined.sum(dim: 0) - mixture).abs().max().item<float>();
        Assert.True(residual < 1e-4, $"stems miss the mixture by {residual}");

        // The louder initial stem keeps most of the energy.
        var energyA = refined[0].abs().square().sum().item<float>();
        var energyB = refined[1].abs().square().sum().item<float>();
        Assert.True(energyA > 20 * energyB, $"{energyA} vs {energyB}");
    }
}
