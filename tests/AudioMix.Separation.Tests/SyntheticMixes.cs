using AudioMix.Audio;
using AudioMix.Audio.Augmentation;

namespace AudioMix.Separation.Tests;

/// <summary>Generated test material with known parts: percussive clicks/noise bursts and sustained harmonic tones.</summary>
internal static class SyntheticMixes
{
    public const int Rate = 22050;

    /// <summary>Decaying noise bursts every <paramref name="period"/> seconds (drum-like: broadband, short).</summary>
    public static AudioBuffer Bursts(double seconds, double period, ulong seed, int channels = 2, float gain = 0.5f)
    {
        var random = new DeterministicRandom(seed);
        var frames = (int)(seconds * Rate);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
        }

        for (var onset = 0.05; onset < seconds; onset += period)
        {
            var start = (int)(onset * Rate);
            for (var i = 0; i < (int)(0.04 * Rate) && start + i < frames; i++)
            {
                var envelope = (float)Math.Exp(-i / (0.006 * Rate));
                var sample = (float)random.NextGaussian() * envelope * gain;
                for (var c = 0; c < channels; c++)
                {
                    data[c][start + i] += sample;
                }
            }
        }

        return new AudioBuffer(Rate, data);
    }

    /// <summary>Sustained chords: a few partials that change every 2 s (harmonic: narrowband, long).</summary>
    public static AudioBuffer Tones(double seconds, int channels = 2, float gain = 0.1f, double pan = 0)
    {
        var frames = (int)(seconds * Rate);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
        }

        double[][] chords = [[220, 277.2, 329.6], [196, 246.9, 293.7], [174.6, 220, 261.6]];
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / Rate;
            var chord = chords[(int)(t / 2) % chords.Length];
            var value = 0.0;
            foreach (var f in chord)
            {
                value += Math.Sin(2 * Math.PI * f * t) + (0.5 * Math.Sin(2 * Math.PI * 2 * f * t));
            }

            for (var c = 0; c < channels; c++)
            {
                var panGain = channels == 2 ? (c == 0 ? 1 - pan : 1 + pan) : 1;
                data[c][i] = (float)(value * gain * panGain);
            }
        }

        return new AudioBuffer(Rate, data);
    }

    public static AudioBuffer Sum(AudioBuffer a, AudioBuffer b)
    {
        var result = a.Clone();
        for (var c = 0; c < a.ChannelCount; c++)
        {
            for (var i = 0; i < a.Frames; i++)
            {
                result.Channels[c][i] += b.Channels[c][i];
            }
        }

        return result;
    }

    /// <summary>Cuts a buffer into blocks of the given sizes (cycled), as a stream would deliver it.</summary>
    public static IEnumerable<AudioBuffer> Blocks(AudioBuffer audio, params int[] sizes)
    {
        var at = 0;
        var i = 0;
        while (at < audio.Frames)
        {
            var n = Math.Min(sizes[i++ % sizes.Length], audio.Frames - at);
            yield return audio.Slice(at, n);
            at += n;
        }
    }

    /// <summary>Concatenates a streamed separator's blocks per stem.</summary>
    public static Dictionary<string, AudioBuffer> Collect(ISeparator separator, IEnumerable<AudioBuffer> blocks)
    {
        var parts = new Dictionary<string, List<float>[]>(StringComparer.Ordinal);
        var rate = 0;
        separator.Separate(blocks, (stem, block) =>
        {
            rate = block.SampleRate;
            if (!parts.TryGetValue(stem, out var channels))
            {
                parts[stem] = channels = [.. Enumerable.Range(0, block.ChannelCount).Select(_ => new List<float>())];
            }

            for (var c = 0; c < block.ChannelCount; c++)
            {
                channels[c].AddRange(block.Channels[c]);
            }
        });
        return parts.ToDictionary(kv => kv.Key, kv => new AudioBuffer(rate, [.. kv.Value.Select(l => l.ToArray())]), StringComparer.Ordinal);
    }

    public static double MaxAbsDifference(AudioBuffer a, AudioBuffer b)
    {
        Assert.Equal(a.ChannelCount, b.ChannelCount);
        Assert.Equal(a.Frames, b.Frames);
        var max = 0.0;
        for (var c = 0; c < a.ChannelCount; c++)
        {
            for (var i = 0; i < a.Frames; i++)
            {
                max = Math.Max(max, Math.Abs(a.Channels[c][i] - b.Channels[c][i]));
            }
        }

        return max;
    }
}
