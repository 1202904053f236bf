using AudioMix.Grains.Jobs;

namespace AudioMix.Grains.Tests;

/// <summary>The job engine's settings are checked before a silo starts, naming the key.</summary>
public sealed class JobEngineOptionsTests
{
    [Theory]
    [InlineData(0, 20, "ShardsPerSilo")]
    [InlineData(65, 20, "ShardsPerSilo")]
    [InlineData(2, 4, "ShardLeaseSeconds")]
    [InlineData(2, 3601, "ShardLeaseSeconds")]
    public void Out_of_range_settings_are_refused_naming_the_key(int shardsPerSilo, int leaseSeconds, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => new JobEngineOptions { ShardsPerSilo = shardsPerSilo, ShardLeaseSeconds = leaseSeconds }.Validate());
        Assert.Contains($"AudioMix:Jobs:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.True(new JobEngineOptions().Validate());
}
