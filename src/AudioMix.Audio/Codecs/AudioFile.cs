using System.Globalization;
using System.Runtime.InteropServices;

namespace AudioMix.Audio.Codecs;

/// <summary>
/// One-call audio file I/O. WAV is handled natively; everything else goes through FFmpeg
/// (<see cref="FfmpegDecoder"/> for reading, an ffmpeg encoder process for writing). Inputs are told apart by
/// their magic bytes, not their extension.
/// </summary>
public static class AudioFile
{
    private static readonly TimeSpan EncodeTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Describes a file without decoding it: WAV from its header, other formats with ffprobe.</summary>
    /// <exception cref="AudioFormatException">The file is not readable audio.</exception>
    /// <exception cref="ExternalToolException">A non-WAV file needs ffprobe, which is missing.</exception>
    public static AudioStreamInfo Probe(string path)
    {
        if (Sniff(path) == Kind.Wav)
        {
            using var reader = WavReader.Open(path);
            return reader.Info;
        }

        return FfprobeParser.Probe(path);
    }

    /// <summary>Opens a file for streaming decode: RIFF/WAVE (and RF64) natively, anything else through ffmpeg.</summary>
    /// <exception cref="AudioFormatException">The file is empty, corrupt or not audio.</exception>
    /// <exception cref="ExternalToolException">A non-WAV file needs ffmpeg/ffprobe, which are missing.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <param name="path">The file.</param>
    /// <param name="limits">Decoder timeout and longest audio accepted (<see cref="DecodeLimits.Default"/> when null).</param>
    public static IAudioStreamReader OpenRead(string path, DecodeLimits? limits = null)
    {
        if (Sniff(path) != Kind.Wav)
        {
            return FfmpegDecoder.Open(path, limits: limits);
        }

        var wav = WavReader.Open(path);
        try
        {
            (limits ?? DecodeLimits.Default).CheckDuration(path, wav.Info);
            return wav;
        }
        catch
        {
            wav.Dispose();
            throw;
        }
    }

    /// <summary>Decodes a whole file into memory.</summary>
    /// <exception cref="AudioFormatException">The file is empty, corrupt, truncated or not audio.</exception>
    /// <exception cref="ExternalToolException">A non-WAV file needs ffmpeg/ffprobe, which are missing.</exception>
    public static AudioBuffer Read(string path)
    {
        using var reader = OpenRead(path);
        return reader is WavReader wav ? wav.ReadToEnd() : AudioReading.ReadAll(reader, -1, path);
    }

    /// <summary>
    /// Writes <paramref name="buffer"/> to <paramref name="path"/>, choosing the format by extension: .wav natively
    /// in <paramref name="format"/>; .flac (16-bit for Pcm8/Pcm16, else 24-bit), .mp3 (LAME 192 kb/s), .ogg (Vorbis),
    /// .opus (Opus in Ogg, 128 kb/s; Opus runs at 48 kHz, so ffmpeg resamples) and .m4a (AAC 192 kb/s) are encoded by
    /// an ffmpeg process fed float32 on stdin. A failed write leaves no partial file behind.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is not one of the above.</exception>
    /// <exception cref="ExternalToolException">ffmpeg is missing or fails to encode.</exception>
    public static void Write(string path, AudioBuffer buffer, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(buffer);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".wav")
        {
            try
            {
                using var writer = WavWriter.Create(path, buffer.SampleRate, buffer.ChannelCount, format);
                writer.Write(buffer);
            }
            catch
            {
                TryDelete(path);
                throw;
            }

            return;
        }

        string[] codec = ext switch
        {
            ".flac" => ["-c:a", "flac", "-sample_fmt", format is WavSampleFormat.Pcm8 or WavSampleFormat.Pcm16 ? "s16" : "s32"],
            ".mp3" => ["-c:a", "libmp3lame", "-b:a", "192k"],
            ".ogg" => ["-c:a", "libvorbis", "-q:a", "6"],
            ".opus" => ["-c:a", "libopus", "-b:a", "128k"],
            ".m4a" => ["-c:a", "aac", "-b:a", "192k"],
            _ => throw new ArgumentException($"Cannot write '{ext}' files: use .wav, .flac, .mp3, .ogg, .opus or .m4a.", nameof(path)),
        };
        string muxer = ext switch
        {
            ".m4a" => "ipod", // FFmpeg's muxer for .m4a (MP4 with the M4A brand)
            ".opus" => "ogg",
            _ => ext[1..],
        };
        // FLAC is lossless: snap the floats to the target PCM grid with the same quantiser as the WAV writer, so
        // ffmpeg's own float→integer conversion is exact and a .flac holds bit for bit what a .wav would.
        // FLAC stores at most 24 bits here (FFmpeg's encoder), so 32-bit and float requests become 24-bit.
        WavSampleFormat? grid = ext == ".flac"
            ? format is WavSampleFormat.Pcm8 or WavSampleFormat.Pcm16 ? format : WavSampleFormat.Pcm24
            : null;
        EncodeWithFfmpeg(path, buffer, codec, muxer, grid);
    }

    private static void EncodeWithFfmpeg(string path, AudioBuffer buffer, string[] codec, string muxer, WavSampleFormat? grid)
    {
        List<string> args =
        [
            "-nostdin", "-v", "error", "-y",
            "-f", "f32le", "-ar", buffer.SampleRate.ToString(CultureInfo.InvariantCulture),
            "-ac", buffer.ChannelCount.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            .. codec,
            "-f", muxer, path,
        ];
        using var process = ExternalTools.Start(ExternalTools.Ffmpeg, args, writeStdin: true);
        IOException? pipeError = null;
        try
        {
            const int blockFrames = 8192;
            var block = new float[blockFrames * buffer.ChannelCount];
            var pcm = grid is { } g ? new byte[block.Length * WavSampleCodec.BytesPerSample(g)] : null;
            var stdin = process.Stdin;
            for (var start = 0; start < buffer.Frames; start += blockFrames)
            {
                var n = Math.Min(blockFrames, buffer.Frames - start);
                var span = block.AsSpan(0, n * buffer.ChannelCount);
                buffer.CopyInterleaved(start, span);
                if (grid is { } q && pcm is not null)
                {
                    WavSampleCodec.Encode(q, span, pcm);
                    WavSampleCodec.Decode(q, pcm, span);
                }

                stdin.Write(MemoryMarshal.AsBytes(span));
            }

            stdin.Close();
        }
        catch (IOException ex)
        {
            // ffmpeg quit early (bad arguments, unwritable path): its stderr says why.
            pipeError = ex;
            try
            {
                process.Stdin.Close();
            }
            catch (IOException)
            {
                // The pipe is already broken; closing our end is all that was wanted.
            }
        }

        var (exitCode, stderr) = process.WaitForExit(EncodeTimeout);
        if (exitCode != 0 || pipeError is not null)
        {
            TryDelete(path);
            throw new ExternalToolException(
                $"ffmpeg failed to encode {path} (exit code {exitCode}): {FfprobeParser.Describe(stderr)}",
                pipeError ?? new IOException("ffmpeg exited with an error."));
        }
    }

    private enum Kind
    {
        Wav,
        Other,
    }

    /// <summary>Looks at the first 12 bytes: "RIFF"/"RF64"/"BW64" + "WAVE" is WAV; anything else (AVI, RIFX, MP3...) is left to FFmpeg.</summary>
    private static Kind Sniff(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Span<byte> head = stackalloc byte[12];
        int got;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            got = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (got == 0)
        {
            throw new AudioFormatException(path, "empty file (0 bytes)");
        }

        var riff = got >= 4 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RF64"u8) || head[..4].SequenceEqual("BW64"u8));
        if (riff && (got < 12 || head[8..12].SequenceEqual("WAVE"u8)))
        {
            // A RIFF file too short to name its form is a truncated WAV as far as anyone can tell: let the WAV parser say so.
            return Kind.Wav;
        }

        return Kind.Other;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
