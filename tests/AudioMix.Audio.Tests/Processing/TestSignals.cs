using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Audio.Tests.Processing;

/// <summary>Signals generated in the test, written to a per-test temporary folder.</summary>
internal sealed class TestSignals : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("audiomix-proc-").FullName;

    public static AudioBuffer Sine(int rate, double seconds, double hz, float amplitude, int channels = 1)
    {
        var frames = (int)(rate * seconds);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * MathF.Sin((float)(2 * Math.PI * hz * i / rate));
            }
        }

        return new AudioBuffer(rate, data);
    }

    public string Write(string name, AudioBuffer buffer, WavSampleFormat format = WavSampleFormat.Float32)
    {
        var path = Path.Combine(Folder, name);
        AudioFile.Write(path, buffer, format);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
