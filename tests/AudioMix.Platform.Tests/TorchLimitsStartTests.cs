using AudioMix.Platform.Tests.Infrastructure;

namespace AudioMix.Platform.Tests;

/// <summary>
/// The silo's libtorch settings, set before libtorch loads and logged at start, seen in a fresh web host process (its
/// co-hosted silo): the settings are process-global and read once, so only a new process shows whether they took.
/// </summary>
public sealed class TorchLimitsStartTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("audiomix-torchlimits-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData(null, "AVX2")]
    [InlineData("AVX", "AVX")]
    public async Task The_silo_caps_onednn_and_libtorch_threads_before_libtorch_loads_and_says_so(string? configured, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = await WebHostProcess.StartAsync(
            HostPorts.Free(), _data, ct, configured is null ? [] : [$"--AudioMix:Compute:OneDnnMaxIsa={configured}"]);
        await host.StopAsync();

        Assert.Contains($"libtorch: 1 intra-op thread(s) per unit (Applied); oneDNN ISA cap {expected} (Applied)", host.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_an_isa_name_stops_the_host_naming_the_setting()
    {
        var ct = TestContext.Current.CancellationToken;
        var failed = await Assert.ThrowsAsync<Xunit.Sdk.FailException>(() => WebHostProcess.StartAsync(HostPorts.Free(), _data, ct, "--AudioMix:Compute:OneDnnMaxIsa=AVX2; rm -rf"));

        Assert.Contains("AudioMix:Compute:OneDnnMaxIsa must be a oneDNN ISA name", failed.Message, StringComparison.Ordinal);
    }
}
