using AudioMix.Audio;
using AudioMix.Audio.Torch;

namespace AudioMix.ValueExperiment;

/// <summary>
/// The classifier's input: the project's <see cref="LogMelSpectrogram"/> (64 mel bands 30 Hz–8 kHz, 1024-point FFT, hop
/// 512 at 16 kHz) of the clip cut or zero-padded to <see cref="PhraseGenerator.ClipSeconds"/>, standardised per clip (zero
/// mean, unit variance over the plane) so the soundfonts' different output levels do not become a cue.
/// </summary>
internal sealed class LogMelFeatures : IDisposable
{
    public const int SampleRate = 16_000;
    public const int Mels = 64;

    private readonly LogMelSpectrogram _logMel = new(new LogMelOptions(SampleRate, FftSize: 1024, HopLength: 512, NMels: Mels, FMin: 30, FMax: 8000));

    /// <summary>Frames per clip.</summary>
    public int Frames { get; } = (int)(PhraseGenerator.ClipSeconds * SampleRate / 512) + 1;

    /// <summary>The standardised <c>[mels × frames]</c> plane, row-major.</summary>
    /// <exception cref="ArgumentException">The clip is not 16 kHz.</exception>
    public float[] Compute(AudioBuffer clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SampleRate != SampleRate)
        {
            throw new ArgumentException($"clips must be {SampleRate} Hz; got {clip.SampleRate} Hz.", nameof(clip));
        }

        var samples = new float[(int)(PhraseGenerator.ClipSeconds * SampleRate)];
        for (var c = 0; c < clip.ChannelCount; c++)
        {
            var channel = clip.Channels[c];
            for (var n = 0; n < Math.Min(samples.Length, channel.Length); n++)
            {
                samples[n] += channel[n] / clip.ChannelCount;
            }
        }

        var plane = _logMel.Compute(samples);
        if (plane.GetLength(0) != Mels || plane.GetLength(1) != Frames)
        {
            throw new InvalidOperationException($"log-mel of a {PhraseGenerator.ClipSeconds}-s clip is {plane.GetLength(0)}×{plane.GetLength(1)}, expected {Mels}×{Frames}.");
        }

        var flat = new float[Mels * Frames];
        Buffer.BlockCopy(plane, 0, flat, 0, flat.Length * sizeof(float));
        var mean = flat.Average();
        var variance = flat.Sum(v => (v - mean) * (v - mean)) / flat.Length;
        var scale = 1 / Math.Sqrt(variance + 1e-6);
        for (var i = 0; i < flat.Length; i++)
        {
            flat[i] = (float)((flat[i] - mean) * scale);
        }

        return flat;
    }

    public void Dispose() => _logMel.Dispose();
}
