using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void EnsureLoaded_succeeds_where_tests_run() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_resolves_to_cpu(string spec) => Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(spec).type);

    [Theory]
    [InlineData("auto")]
    [InlineData(null)]
    [InlineData("")]
    public void Auto_resolves_to_cpu_without_cuda(string? spec)
    {
        Assert.False(torch.cuda.is_available()); // this suite runs on the CPU-only libtorch package
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(spec).type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("CUDA:1")]
    public void Cuda_without_cuda_throws_a_clear_error(string spec)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TorchRuntime.ResolveDevice(spec));
        Assert.Contains("CUDA is not available", ex.Message, StringComparison.Ordinal);
        Assert.Contains(spec, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Unknown_device_text_throws_argument_exception(string spec)
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice(spec));
        Assert.Contains(spec, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_failure_message_points_at_the_userland_when_glibcxx_is_missing()
    {
        var failure = new TypeInitializationException("TorchSharp.torch", new NotSupportedException("This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64"));
        var message = TorchRuntime.DescribeLoadFailure(
            failure,
            "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)");
        Assert.Contains("GLIBCXX_3.4.32", message, StringComparison.Ordinal);
        Assert.Contains("infra/userland/run", message, StringComparison.Ordinal);

        var other = TorchRuntime.DescribeLoadFailure(failure, null);
        Assert.Contains("doesn't contain a reference to libtorch", other, StringComparison.Ordinal);
        Assert.DoesNotContain("userland", other, StringComparison.Ordinal);
    }

    [Fact]
    public void Transforms_create_their_tensors_on_the_configured_device()
    {
        var device = TorchRuntime.ResolveDevice("auto");
        using var stft = new Stft(new StftOptions(256, 64), device);
        using var logMel = new LogMelSpectrogram(new LogMelOptions(16_000, 256, 64, 20), device);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(TestSignals.Noise(2000, seed: 4), device: device);
        Assert.Equal(device.type, stft.Forward(x).device_type);
        Assert.Equal(device.type, logMel.Compute(x).device_type);
    }
}

public sealed class TorchThreadLimitTests
{
    [Fact]
    public void After_libtorch_loaded_the_calling_threads_limit_is_set_or_the_operators_value_is_kept()
    {
        TorchRuntime.EnsureLoaded();
        Assert.True(TorchRuntime.IsNativeLoaded());

        var outcome = TorchRuntime.LimitIntraOpThreads(1);

        if (TorchRuntime.NativeGetEnv("OMP_NUM_THREADS") is { Length: > 0 } && outcome == TorchRuntime.ThreadLimit.SetByOperator)
        {
            return;
        }

        Assert.Equal(TorchRuntime.ThreadLimit.TooLate, outcome);
        Assert.Equal(1, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void Zero_threads_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.LimitIntraOpThreads(0));

    // The oneDNN cap is process-global native state: these tests only read it, and set the operator's value in the managed
    // environment (which SetBeforeLoad checks first) — so they hold in any order, before or after libtorch loads.
    private const string OneDnnIsa = "ONEDNN_MAX_CPU_ISA";

    [Fact]
    public void An_isa_cap_set_by_the_operator_is_kept_before_and_after_libtorch_loads_and_nothing_is_written()
    {
        var native = TorchRuntime.NativeGetEnv(OneDnnIsa);
        var managed = Environment.GetEnvironmentVariable(OneDnnIsa);
        Environment.SetEnvironmentVariable(OneDnnIsa, "AVX512_CORE");
        try
        {
            Assert.Equal(TorchRuntime.ThreadLimit.SetByOperator, TorchRuntime.LimitOneDnnIsa("AVX2"));
            TorchRuntime.EnsureLoaded();
            Assert.Equal(TorchRuntime.ThreadLimit.SetByOperator, TorchRuntime.LimitOneDnnIsa("AVX2"));
            Assert.Equal(native, TorchRuntime.NativeGetEnv(OneDnnIsa));
            Assert.Equal("AVX512_CORE", Environment.GetEnvironmentVariable(OneDnnIsa));
        }
        finally
        {
            Environment.SetEnvironmentVariable(OneDnnIsa, managed);
        }
    }

    [Fact]
    public void An_isa_cap_asked_for_after_libtorch_loaded_is_too_late_and_sets_nothing()
    {
        Assert.True(
            TorchRuntime.NativeGetEnv(OneDnnIsa) is null && Environment.GetEnvironmentVariable(OneDnnIsa) is null,
            $"run these tests without {OneDnnIsa} in the environment: this one checks the path where nobody set it");
        TorchRuntime.EnsureLoaded();

        Assert.Equal(TorchRuntime.ThreadLimit.TooLate, TorchRuntime.LimitOneDnnIsa("AVX2"));
        // oneDNN has read its ISA already: claiming a cap now would be a lie, so the variable stays unset.
        Assert.Null(TorchRuntime.NativeGetEnv(OneDnnIsa));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_isa_is_refused(string isa) =>
        Assert.ThrowsAny<ArgumentException>(() => TorchRuntime.LimitOneDnnIsa(isa));
}

public sealed class NativeHeapTests
{
    [Fact]
    public void Thresholds_are_raised_on_linux_glibc_and_left_alone_when_the_operator_chose()
    {
        // The userland the tests run in is Debian with glibc, where mallopt accepts both parameters.
        Assert.Equal(OperatingSystem.IsLinux() ? NativeHeap.Outcome.Applied : NativeHeap.Outcome.NotApplicable, NativeHeap.KeepLargeBuffers());

        foreach (var (name, value) in new[] { (NativeHeap.OptOutVariable, "default"), ("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576"), ("MALLOC_MMAP_THRESHOLD_", "65536") })
        {
            var before = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
            try
            {
                Assert.Equal(OperatingSystem.IsLinux() ? NativeHeap.Outcome.SetByOperator : NativeHeap.Outcome.NotApplicable, NativeHeap.KeepLargeBuffers());
            }
            finally
            {
                Environment.SetEnvironmentVariable(name, before);
            }
        }
    }
}
