using System.Buffers.Binary;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>PCM16 WAV files made in memory: a tone plus seeded noise, so every file differs.</summary>
internal static class TestWav
{
    public static byte[] Create(int seed, double seconds, int sampleRate = 44100, int channels = 2)
    {
        var frames = (int)(seconds * sampleRate);
        var dataBytes = frames * channels * 2;
        var bytes = new byte[44 + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], dataBytes);
        var random = new Random(seed);
        var frequency = 220.0 * (1 + (seed % 7));
        var offset = 44;
        for (var i = 0; i < frames; i++)
        {
            var v = 0.2 * Math.Sin(2 * Math.PI * frequency * i / sampleRate) + 0.05 * (random.NextDouble() * 2 - 1);
            var sample = (short)Math.Round(v * short.MaxValue);
            for (var c = 0; c < channels; c++, offset += 2)
            {
                BinaryPrimitives.WriteInt16LittleEndian(s[offset..], sample);
            }
        }

        return bytes;
    }
}
