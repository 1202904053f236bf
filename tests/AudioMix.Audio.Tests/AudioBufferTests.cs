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
}
