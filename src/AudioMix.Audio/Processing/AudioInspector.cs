using AudioMix.Audio.Codecs;
using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Processing;

/// <summary>What <see cref="AudioInspector"/> found in a file: its stream format and its measured level.</summary>
/// <param name="Path">The inspected file.</param>
/// <param name="Stream">Container, codec, rate and channels; <c>Frames</c> is the count actually decoded.</param>
/// <param name="IntegratedLufs">ITU-R BS.1770-4 integrated loudness; negative infinity for silence.</param>
/// <param name="SamplePeak">Largest absolute sample value (linear, 1.0 = full scale).</param>
public sealed record AudioFileReport(string Path, AudioStreamInfo Stream, double IntegratedLufs, double SamplePeak)
{
    /// <summary>Sample peak in dBFS (negative infinity for digital silence).</summary>
    public double SamplePeakDbfs => SamplePeak > 0 ? 20 * Math.Log10(SamplePeak) : double.NegativeInfinity;
}

/// <summary>Reads a whole file once, streaming, to report its format, exact duration, loudness and peak.</summary>
public static class AudioInspector
{
    /// <summary>Inspects <paramref name="path"/> (WAV natively, other formats through ffmpeg).</summary>
    /// <exception cref="AudioFormatException">The file is not readable audio.</exception>
    /// <exception cref="ExternalToolException">A compressed file needs ffmpeg and it is missing.</exception>
    public static AudioFileReport Inspect(string path, CancellationToken cancellationToken = default) => Inspect(path, null, cancellationToken);

    /// <summary>Inspects <paramref name="path"/> under decoding limits (see <see cref="AudioFile.OpenRead(string, DecodeLimits?)"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">Decoder timeout and longest audio accepted (<see cref="DecodeLimits.Default"/> when null).</param>
    /// <param name="cancellationToken">Stops the inspection.</param>
    public static AudioFileReport Inspect(string path, DecodeLimits? limits, CancellationToken cancellationToken = default)
    {
        using var reader = AudioFile.OpenRead(path, limits);
        return Inspect(reader, path, cancellationToken);
    }

    /// <summary>Inspects the rest of an open reader; <paramref name="sourceName"/> names it in the report.</summary>
    public static AudioFileReport Inspect(IAudioStreamReader reader, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var path = sourceName;
        var info = reader.Info;
        var meter = new LoudnessMeter(info.SampleRate, info.Channels);
        long frames = 0;
        foreach (var block in AudioBlocks.Read(reader, AudioBlocks.DefaultBlockFrames, cancellationToken))
        {
            meter.Add(block);
            frames += block.Frames;
        }

        var result = meter.GetResult();
        // Compressed formats only estimate their length up front; the decoded count is the truth.
        return new AudioFileReport(path, info with { Frames = frames }, result.IntegratedLufs, result.SamplePeak);
    }
}
