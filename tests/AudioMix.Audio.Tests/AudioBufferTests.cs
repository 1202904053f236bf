using AudioMix.Audio;

namespace AudioMix.Audio.Tests;

public sealed class AudioBufferTests
{
    [Fact]
    public void Interleave_round_trips_planar_data()
    {
        float[] interleaved = [0.1f, -0.1f, 0.2f, -0.2f, 0.3f, -0.3f];
        var buffer = AudioBuffer.FromInterleaved(interleaved, channels: 2, sampleRate: 8000);

        Assert.Equal(3, buffer.Frames);
        Assert.Equal([0.1f, 0.2f, 0.3f], buffer.Channels[0]);
        Assert.Equal([-0.1f, -0.2f, -0.3f], buffer.Channels[1]);
        Assert.Equal(interleaved, buffer.ToInterleaved());
    }

    [Fact]
    public void Channels_of_unequal_length_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AudioBuffer(16000, [new float[3], new float[4]]));
        Assert.Contains("Channel 1", ex.Message);
    }

    [Fact]
    public void Mono_downmix_averages_channels_and_peak_is_absolute()
    {
        var buffer = new AudioBuffer(16000, [[1f, 0.5f], [0f, -1.5f]]);
        var mono = buffer.ToMono();
        Assert.Equal([0.5f, -0.5f], mono.Channels[0]);
        Assert.Equal(1.5f, buffer.Peak());
    }

    [Fact]
    public void Concat_joins_blocks_in_order_and_rejects_mismatched_blocks()
    {
        var a = new AudioBuffer(8000, [[1f, 2f], [3f, 4f]]);
        var b = new AudioBuffer(8000, [[5f], [6f]]);
        var empty = AudioBuffer.Silence(8000, 2, 0);

        var joined = AudioBuffer.Concat([a, empty, b]);

        Assert.Equal([1f, 2f, 5f], joined.Channels[0]);
        Assert.Equal([3f, 4f, 6f], joined.Channels[1]);
        Assert.Equal(8000, joined.SampleRate);
        joined.Channels[0][0] = 9f;
        Assert.Equal(1f, a.Channels[0][0]);
        Assert.Throws<ArgumentException>(() => AudioBuffer.Concat([]));
        Assert.Contains("16000 Hz", Assert.Throws<ArgumentException>(() => AudioBuffer.Concat([a, new AudioBuffer(16000, [[1f], [1f]])])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AudioBuffer.Concat([a, new AudioBuffer(8000, [[1f]])]));
    }
}
