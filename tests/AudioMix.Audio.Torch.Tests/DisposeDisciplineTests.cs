using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

/// <summary>
/// TorchSharp's dispose-scope statistics are thread-static, and these tests are synchronous, so the before/after
/// counts see exactly the tensors this thread created.
/// </summary>
public sealed class DisposeDisciplineTests
{
    [Fact]
    public void Managed_convenience_methods_leave_no_live_tensors()
    {
        using var stft = new Stft(new StftOptions(512, 128));
        using var logMel = new LogMelSpectrogram(new LogMelOptions(16_000, 512, 128, 40));
        var x = TestSignals.Noise(4000, seed: 11);

        // Warm up once so lazily created native state is not counted.
        _ = stft.Magnitude(x);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 50; i++)
        {
            _ = stft.Magnitude(x);
            _ = stft.RoundTrip(x);
            _ = logMel.Compute(x);
        }

        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }

    [Fact]
    public void Tensor_methods_return_only_their_result_into_the_callers_scope()
    {
        using var stft = new Stft(new StftOptions(512, 128));
        using var logMel = new LogMelSpectrogram(new LogMelOptions(16_000, 512, 128, 40));
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.tensor(TestSignals.Noise(4000, seed: 12));
            var liveWithInput = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var spec = stft.Forward(x);
            Assert.Equal(liveWithInput + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            _ = stft.Inverse(spec, 4000);
            _ = logMel.Compute(x);
            Assert.Equal(liveWithInput + 3, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Long_lived_tensors_survive_the_constructing_scope_and_die_with_their_owner()
    {
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Stft stft;
        LogMelSpectrogram logMel;
        using (torch.NewDisposeScope())
        {
            stft = new Stft(new StftOptions(256, 64));
            logMel = new LogMelSpectrogram(new LogMelOptions(16_000, 512, 128, 40));
        }

        // The window and mel bank were detached from that scope, so the objects still work.
        var x = TestSignals.Noise(2000, seed: 13);
        Assert.True(TestSignals.MaxAbsDiff(x, stft.RoundTrip(x)) < 1e-5);
        Assert.Equal(40, logMel.Compute(x).GetLength(0));
        Assert.True(DisposeScopeManager.Statistics.ThreadTotalLiveCount > before);

        stft.Dispose();
        logMel.Dispose();
        logMel.Dispose(); // idempotent
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
