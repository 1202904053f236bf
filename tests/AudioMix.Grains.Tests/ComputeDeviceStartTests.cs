using AudioMix.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AudioMix.Grains.Tests;

/// <summary>A silo configured with <c>AudioMix:Compute:Device=cuda</c> where CUDA is not usable fails at start, naming it.</summary>
public sealed class ComputeDeviceStartTests
{
    [Fact]
    public void A_silo_asked_for_cuda_without_cuda_fails_at_start_by_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AudioMix:Compute:Device"] = "cuda" });
        var ex = Assert.Throws<InvalidOperationException>(() => builder.UseOrleans(silo => silo.AddAudioMixGrains()));
        Assert.Contains("AudioMix:Compute:Device=cuda", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA", ex.Message, StringComparison.Ordinal);
    }
}
