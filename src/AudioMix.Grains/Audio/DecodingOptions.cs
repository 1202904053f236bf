using AudioMix.Audio.Codecs;

namespace AudioMix.Grains.Audio;

/// <summary>Limits on decoding one stored file (<c>AudioMix:Decoding</c>): every silo applies them to uploads and job sources.</summary>
public sealed class DecodingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AudioMix:Decoding";

    /// <summary>Seconds ffprobe (probing) and, separately, ffmpeg (decoding) may run on one file before it is stopped and the file refused.</summary>
    public double TimeoutSeconds { get; set; } = DecodeLimits.Default.Timeout.TotalSeconds;

    /// <summary>Longest audio accepted, in seconds, whether the file declares it or it turns out while decoding.</summary>
    public double MaxItemSeconds { get; set; } = DecodeLimits.Default.MaxSeconds;

    /// <summary>The limits as the audio core takes them.</summary>
    public DecodeLimits Limits => new(TimeSpan.FromSeconds(TimeoutSeconds), MaxItemSeconds);

    /// <summary>Throws on settings decoding cannot run with (so the silo does not start); true otherwise.</summary>
    public bool Validate()
    {
        if (!(TimeoutSeconds is >= 1 and <= 86_400))
        {
            throw new ArgumentException($"{Section}:TimeoutSeconds must be between 1 and 86400 (got {TimeoutSeconds}).");
        }

        if (!(MaxItemSeconds is > 0 and <= 7 * 86_400))
        {
            throw new ArgumentException($"{Section}:MaxItemSeconds must be above 0 and at most 604800 (got {MaxItemSeconds}).");
        }

        return true;
    }
}
