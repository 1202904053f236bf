using System.Globalization;
using System.Runtime.InteropServices;

namespace AudioMix.Audio.Codecs;

/// <summary>
/// Decodes any format FFmpeg understands (MP3, FLAC, Ogg Vorbis/Opus, M4A/AAC, ...) by streaming raw
/// float32 little-endian PCM from an <c>ffmpeg</c> child process's stdout:
/// <c>ffmpeg -nostdin -v error -i PATH -f f32le -acodec pcm_f32le [-ar R] [-ac C] pipe:1</c>.
/// The format is probed first with ffprobe (rate, channels, codec, estimated length); ffmpeg keeps the
/// stream's own rate and channel count unless others are requested.
/// </summary>
/// <remarks>
/// <see cref="AudioStreamInfo.Frames"/> comes from the container's duration and is an estimate for lossy codecs
/// (encoder delay/padding); <see cref="Read"/> returns what ffmpeg actually decodes. A non-zero ffmpeg exit
/// raises <see cref="AudioFormatException"/> with ffmpeg's stderr. FFmpeg conceals isolated damaged frames
/// (exit code 0); such files decode with the damage concealed rather than failing.
/// Dispose kills a still-running ffmpeg and waits for it.
/// </remarks>
public sealed class FfmpegDecoder : IAudioStreamReader
{
    private const int BufferBytesTarget = 64 * 1024;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly ToolProcess _process;
    private readonly string _path;
    private readonly int _frameBytes;
    private readonly byte[] _buffer;
    private readonly DecodeLimits _limits;
    private readonly long _maxFrames;
    private readonly Timer _deadline;
    private volatile bool _timedOut;
    private long _framesRead;
    private bool _ended;
    private bool _disposed;

    private FfmpegDecoder(ToolProcess process, string path, AudioStreamInfo info, DecodeLimits limits)
    {
        _process = process;
        _path = path;
        _limits = limits;
        Info = info;
        _frameBytes = info.Channels * sizeof(float);
        _buffer = new byte[Math.Max(1, BufferBytesTarget / _frameBytes) * _frameBytes];
        _maxFrames = (long)Math.Min(long.MaxValue / 2, Math.Ceiling(limits.MaxSeconds * info.SampleRate));

        // A decoder that stalls blocks our read of its stdout: at the deadline the process is killed, which ends
        // stdout, and the read that sees the end reports the timeout (Finish).
        _deadline = new Timer(_ => { _timedOut = true; _process.Kill(); }, null, limits.Timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>Probes <paramref name="path"/> with ffprobe and starts ffmpeg decoding it.</summary>
    /// <param name="path">The file to decode.</param>
    /// <param name="sampleRate">Resample to this rate (ffmpeg's default resampler); null keeps the file's rate.</param>
    /// <param name="channels">
    /// Remix to this many channels with ffmpeg's default matrix (stereo → mono takes each side at −3 dB, i.e. ×0.707,
    /// which can exceed full scale; read all channels and use <see cref="AudioBuffer.ToMono"/> for a plain average);
    /// null keeps the file's.
    /// </param>
    /// <exception cref="AudioFormatException">ffprobe cannot read the file or it has no audio stream.</exception>
    /// <exception cref="ExternalToolException">ffmpeg or ffprobe is missing or cannot be started.</exception>
    /// <param name="limits">
    /// Probe and decode each get <see cref="DecodeLimits.Timeout"/> (ffmpeg is killed at the deadline, and the read that
    /// notices fails naming the file); audio declared or decoded longer than <see cref="DecodeLimits.MaxSeconds"/> is
    /// refused. <see cref="DecodeLimits.Default"/> when null.
    /// </param>
    public static FfmpegDecoder Open(string path, int? sampleRate = null, int? channels = null, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (sampleRate is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(r, 1, nameof(sampleRate));
        }

        if (channels is { } c)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(c, 1, nameof(channels));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(c, WavHeaderParser.MaxChannels, nameof(channels));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Audio file not found: {path}", path);
        }

        var probed = FfprobeParser.Probe(path, limits);
        limits.CheckDuration(path, probed);
        var rate = sampleRate ?? probed.SampleRate;
        var ch = channels ?? probed.Channels;
        var frames = probed.Frames < 0 || rate == probed.SampleRate ? probed.Frames
            : (long)Math.Round((double)probed.Frames * rate / probed.SampleRate);
        var info = probed with { SampleRate = rate, Channels = ch, Frames = frames };

        // -ar/-ac only when asked for: forcing even the file's own channel count makes ffmpeg remap a layout it
        // considers non-default (3.0 → 2.1), mixing channels that should stay apart.
        List<string> args = ["-nostdin", "-v", "error", "-i", path, "-f", "f32le", "-acodec", "pcm_f32le"];
        if (sampleRate is not null)
        {
            args.AddRange(["-ar", rate.ToString(CultureInfo.InvariantCulture)]);
        }

        if (channels is not null)
        {
            args.AddRange(["-ac", ch.ToString(CultureInfo.InvariantCulture)]);
        }

        args.Add("pipe:1");
        var process = ExternalTools.Start(ExternalTools.Ffmpeg, args, writeStdin: false);
        return new FfmpegDecoder(process, path, info, limits);
    }

    /// <inheritdoc/>
    public AudioStreamInfo Info { get; }

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var channels = Info.Channels;
        if (interleaved.Length % channels != 0)
        {
            throw new ArgumentException($"Buffer length {interleaved.Length} is not a multiple of the channel count {channels}.", nameof(interleaved));
        }

        var wanted = interleaved.Length / channels;
        var total = 0;
        var bufferFrames = _buffer.Length / _frameBytes;
        var stdout = _process.Stdout;
        while (total < wanted && !_ended)
        {
            var need = Math.Min(wanted - total, bufferFrames) * _frameBytes;
            int got;
            try
            {
                got = stdout.ReadAtLeast(_buffer.AsSpan(0, need), need, throwOnEndOfStream: false);
            }
            catch (IOException ex)
            {
                throw new AudioFormatException($"{_path}: reading ffmpeg's output failed ({ex.Message}) {FfprobeParser.Describe(_process.Stderr())}", ex);
            }

            if (got < need)
            {
                _ended = true;
                Finish(got % _frameBytes, _framesRead + (got / _frameBytes));
            }

            var frames = got / _frameBytes;
            if (_framesRead + frames > _maxFrames)
            {
                // The container may have understated its length: what actually decodes counts.
                throw _limits.TooLong(_path, (double)(_framesRead + frames) / Info.SampleRate);
            }

            MemoryMarshal.Cast<byte, float>(_buffer.AsSpan(0, frames * _frameBytes)).CopyTo(interleaved.Slice(total * channels, frames * channels));
            total += frames;
            _framesRead += frames;
        }

        return total;
    }

    /// <summary>Frames decoded so far.</summary>
    internal long FramesRead => _framesRead;

    /// <summary>The ffmpeg child's process id (tests check it is gone after Dispose).</summary>
    internal int ProcessId => _process.Process.Id;

    /// <summary>Kills ffmpeg if it is still running and releases the pipes.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _deadline.Dispose();
        _process.Dispose();
    }

    /// <summary>At end of output: ffmpeg must have exited cleanly and the byte count must be whole frames.</summary>
    private void Finish(int trailingBytes, long totalFrames)
    {
        var (exitCode, stderr) = _process.WaitForExit(ExitTimeout);
        if (_timedOut)
        {
            throw _limits.TimedOut(_path, "ffmpeg");
        }

        if (exitCode != 0)
        {
            throw new AudioFormatException(_path, $"ffmpeg failed to decode it (exit code {exitCode}): {FfprobeParser.Describe(stderr)}");
        }

        if (trailingBytes != 0)
        {
            throw new AudioFormatException(_path, $"ffmpeg output ended inside a frame ({trailingBytes} of {_frameBytes} bytes)");
        }

        if (totalFrames == 0 && stderr.Length > 0)
        {
            // Exit code 0 but nothing decoded and complaints on stderr: not a silent empty result.
            throw new AudioFormatException(_path, $"ffmpeg decoded no audio: {FfprobeParser.Describe(stderr)}");
        }
    }
}
