using AudioMix.Audio.Codecs;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Processing;

/// <summary>How <see cref="AudioConverter"/> transforms a file.</summary>
public sealed record ConversionOptions
{
    /// <summary>Target sample rate; null keeps the source rate.</summary>
    public int? SampleRate { get; init; }

    /// <summary>Downmix to one channel (the mean of all channels).</summary>
    public bool Mono { get; init; }

    /// <summary>Target integrated loudness (LUFS, BS.1770-4); null leaves the level alone.</summary>
    public double? TargetLufs { get; init; }

    /// <summary>With <see cref="TargetLufs"/>: the gain is lowered so the sample peak stays at or below this (dBFS).</summary>
    public double? PeakCeilingDbfs { get; init; }

    /// <summary>Sample format of a WAV output (compressed outputs choose their own).</summary>
    public WavSampleFormat SampleFormat { get; init; } = WavSampleFormat.Pcm16;

    /// <summary>Resampling quality.</summary>
    public ResamplerQuality Quality { get; init; } = ResamplerQuality.High;
}

/// <summary>What a conversion did, for logs and manifests.</summary>
public sealed record ConversionReport(
    string Input,
    string Output,
    int SampleRate,
    int Channels,
    long Frames,
    double SourceLufs,
    double GainDb,
    double OutputLufs,
    double OutputPeakDbfs,
    long ClippedSamples);

/// <summary>
/// Converts one audio file into another: optional downmix, band-limited resampling and
/// loudness normalisation, streamed block by block so long files never sit whole in memory.
/// </summary>
/// <remarks>
/// Loudness normalisation needs the whole signal's integrated loudness before the first sample can
/// be written, so it reads the input twice (measure, then render) rather than buffering it.
/// The output is written to a temporary file beside the target and moved into place only when
/// complete: a failed conversion leaves neither a partial file nor a damaged input.
/// </remarks>
public static class AudioConverter
{
    /// <summary>Converts <paramref name="input"/> to <paramref name="output"/> (format from the output's extension).</summary>
    /// <exception cref="ArgumentException">The output is the input, or an option is out of range.</exception>
    /// <exception cref="AudioFormatException">The input is not readable audio.</exception>
    /// <exception cref="InvalidOperationException">Loudness normalisation was asked of a silent input.</exception>
    public static ConversionReport Convert(string input, string output, ConversionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inputFull = Path.GetFullPath(input);
        var outputFull = Path.GetFullPath(output);
        if (string.Equals(inputFull, outputFull, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Output '{output}' is the input file; AudioMix never overwrites its inputs.", nameof(output));
        }

        if (options.SampleRate is <= 0 or > 768_000)
        {
            throw new ArgumentException($"Sample rate {options.SampleRate} is out of range (1..768000 Hz).", nameof(options));
        }

        var sourceLufs = double.NaN;
        var gainDb = 0.0;
        if (options.TargetLufs is { } target)
        {
            if (!double.IsFinite(target) || target > 0 || target < -70)
            {
                throw new ArgumentException($"Target loudness {target} LUFS is out of range (-70..0).", nameof(options));
            }

            var measured = Measure(inputFull, options, cancellationToken);
            sourceLufs = measured.IntegratedLufs;
            gainDb = LoudnessNormalizer.GainDbToTarget(measured, target, options.PeakCeilingDbfs);
        }

        var gain = (float)Math.Pow(10, gainDb / 20);
        var tempPath = Path.Combine(Path.GetDirectoryName(outputFull)!, $".{Path.GetFileName(outputFull)}.{Guid.NewGuid():N}.partial");
        try
        {
            var written = Render(inputFull, tempPath, outputFull, options, gain, cancellationToken);
            File.Move(tempPath, outputFull, overwrite: true);
            return new ConversionReport(
                input, output, written.SampleRate, written.Channels, written.Frames, sourceLufs, gainDb,
                written.Loudness.IntegratedLufs, written.Loudness.SamplePeakDbfs, written.ClippedSamples);
        }
        finally
        {
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }
    }

    private static LoudnessResult Measure(string input, ConversionOptions options, CancellationToken cancellationToken)
    {
        LoudnessMeter? meter = null;
        foreach (var block in Transform(input, options, cancellationToken))
        {
            meter ??= new LoudnessMeter(block.SampleRate, block.ChannelCount);
            meter.Add(block);
        }

        return meter?.GetResult() ?? new LoudnessResult(double.NegativeInfinity, 0);
    }

    private sealed record Rendered(int SampleRate, int Channels, long Frames, LoudnessResult Loudness, long ClippedSamples);

    private static Rendered Render(string input, string tempPath, string outputFull, ConversionOptions options, float gain, CancellationToken cancellationToken)
    {
        var isWav = string.Equals(Path.GetExtension(outputFull), ".wav", StringComparison.OrdinalIgnoreCase);
        var clipsAtFullScale = isWav && options.SampleFormat is not (WavSampleFormat.Float32 or WavSampleFormat.Float64);
        WavWriter? writer = null;
        List<AudioBuffer>? pending = isWav ? null : [];
        LoudnessMeter? meter = null;
        long frames = 0, clipped = 0;
        int rate = 0, channels = 0;
        try
        {
            foreach (var block in Transform(input, options, cancellationToken))
            {
                if (gain != 1f)
                {
                    block.ApplyGain(gain);
                }

                if (clipsAtFullScale)
                {
                    clipped += CountClipped(block);
                }

                rate = block.SampleRate;
                channels = block.ChannelCount;
                meter ??= new LoudnessMeter(rate, channels);
                meter.Add(block);
                frames += block.Frames;
                if (isWav)
                {
                    writer ??= WavWriter.Create(tempPath, rate, channels, options.SampleFormat);
                    writer.Write(block);
                }
                else
                {
                    pending!.Add(block);
                }
            }

            if (meter is null)
            {
                throw new AudioFormatException(input, "the file holds no audio frames");
            }
        }
        finally
        {
            writer?.Dispose();
        }

        if (!isWav)
        {
            // Compressed outputs go through ffmpeg in one piece (its encoders want the whole stream).
            AudioFile.Write(tempPath + Path.GetExtension(outputFull), Concatenate(pending!, frames), options.SampleFormat);
            File.Move(tempPath + Path.GetExtension(outputFull), tempPath, overwrite: true);
        }

        return new Rendered(rate, channels, frames, meter.GetResult(), clipped);
    }

    /// <summary>Source blocks after the channel and rate changes (gain comes later).</summary>
    private static IEnumerable<AudioBuffer> Transform(string input, ConversionOptions options, CancellationToken cancellationToken)
    {
        var blocks = AudioBlocks.Read(input, AudioBlocks.DefaultBlockFrames, cancellationToken).Select(source => options.Mono ? source.ToMono() : source);
        return options.SampleRate is { } rate ? Resampler.Stream(blocks, rate, options.Quality) : blocks.Where(block => block.Frames > 0);
    }

    private static long CountClipped(AudioBuffer block)
    {
        long count = 0;
        foreach (var ch in block.Channels)
        {
            foreach (var s in ch)
            {
                if (s > 1f || s < -1f)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static AudioBuffer Concatenate(List<AudioBuffer> blocks, long frames) => frames > int.MaxValue
        ? throw new AudioFormatException($"{frames} frames are too many to encode in one piece; write WAV instead.")
        : AudioBuffer.Concat(blocks);
}
