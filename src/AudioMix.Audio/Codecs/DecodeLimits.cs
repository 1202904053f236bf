namespace AudioMix.Audio.Codecs;

/// <summary>
/// Bounds on decoding one file: how long the decoder (ffprobe, then ffmpeg) may run before it is killed, and how long
/// the audio may be. A file that stalls the decoder or claims (or turns out) to be longer is refused by name with an
/// <see cref="AudioFormatException"/>; for a timeout its inner exception is a <see cref="TimeoutException"/>, so callers
/// can tell a possibly transient overload from a file that is bad for good.
/// </summary>
/// <param name="Timeout">Wall-clock time one probe, and separately one decode, may take.</param>
/// <param name="MaxSeconds">Longest audio accepted, in seconds.</param>
public sealed record DecodeLimits(TimeSpan Timeout, double MaxSeconds)
{
    /// <summary>10 minutes per probe or decode, 4 hours of audio (the defaults of <c>AudioMix:Decoding</c>).</summary>
    public static DecodeLimits Default { get; } = new(TimeSpan.FromMinutes(10), 4 * 3600);

    /// <summary>Refuses a stream whose (declared or estimated) length is over <see cref="MaxSeconds"/>.</summary>
    /// <exception cref="AudioFormatException">The audio is too long.</exception>
    public void CheckDuration(string source, AudioStreamInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Frames > 0 && info.SampleRate > 0 && (double)info.Frames / info.SampleRate > MaxSeconds)
        {
            throw TooLong(source, (double)info.Frames / info.SampleRate);
        }
    }

    /// <summary>The refusal of audio over <see cref="MaxSeconds"/> (<paramref name="seconds"/> long, or at least that long).</summary>
    public AudioFormatException TooLong(string source, double seconds) =>
        new(source, $"the audio is {seconds:0.#} s long, over the limit of {MaxSeconds:0.#} s (AudioMix:Decoding:MaxItemSeconds)");

    /// <summary>The refusal of a file the decoder did not get through within <see cref="Timeout"/>.</summary>
    public AudioFormatException TimedOut(string source, string tool) =>
        new(
            $"{source}: {tool} did not finish within {Timeout.TotalSeconds:0.#} s (AudioMix:Decoding:TimeoutSeconds) and was stopped; the file is refused.",
            new TimeoutException($"{tool} exceeded {Timeout}."));
}
