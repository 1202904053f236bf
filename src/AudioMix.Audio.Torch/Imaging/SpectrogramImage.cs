using AudioMix.Audio.Imaging;

namespace AudioMix.Audio.Torch.Imaging;

/// <summary>What a marker on a preview stands for; its colour and lane follow from it (see <see cref="SpectrogramImage"/>).</summary>
public enum PreviewMarkerRole
{
    /// <summary>A beat of the first source (anchor): a thin line in the upper half of the spectrogram.</summary>
    FirstBeat,

    /// <summary>A downbeat of the first source: a bold line in the upper half.</summary>
    FirstDownbeat,

    /// <summary>A beat of the second source (partner): a thin line in the lower half.</summary>
    SecondBeat,

    /// <summary>A downbeat of the second source: a bold line in the lower half.</summary>
    SecondDownbeat,

    /// <summary>Where the second source starts in the output: full height.</summary>
    SecondStart,

    /// <summary>A segment boundary: full height.</summary>
    Boundary,
}

/// <summary>A vertical marker at a time of the audio.</summary>
public sealed record PreviewMarker(double Seconds, PreviewMarkerRole Role);

/// <summary>A shaded span of the audio (e.g. a detected segment).</summary>
public sealed record PreviewRegion(double Start, double End);

/// <summary>What is drawn over a preview: markers, shaded regions, and the mixing weight of the first source as a bar.</summary>
public sealed record PreviewOverlay
{
    /// <summary>No overlay.</summary>
    public static PreviewOverlay None { get; } = new();

    /// <summary>Vertical markers.</summary>
    public IReadOnlyList<PreviewMarker> Markers { get; init; } = [];

    /// <summary>Shaded spans.</summary>
    public IReadOnlyList<PreviewRegion> Regions { get; init; } = [];

    /// <summary>λ, the first source's weight in [0, 1]: drawn as a two-colour bar across the top; null: no bar.</summary>
    public double? Lambda { get; init; }

    /// <summary>A short stable text of the overlay, for cache keys.</summary>
    public string Fingerprint() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"l={Lambda:R};m={string.Join(',', Markers.Select(m => $"{(int)m.Role}@{m.Seconds:0.####}"))};r={string.Join(',', Regions.Select(r => $"{r.Start:0.####}-{r.End:0.####}"))}");
}

/// <summary>
/// Renders a preview of audio: a bar for λ (when given), the min/max waveform envelope and a log-mel spectrogram
/// (128 Slaney mel bands, power in dB clipped 80 dB below the peak, as librosa's <c>power_to_db(top_db=80)</c>), with
/// overlays, as one PNG. The size is bounded (<see cref="MaxWidth"/> × <see cref="Height"/>) whatever the audio's
/// length: the STFT hop is chosen so there is about one frame per pixel column, so the work is bounded too.
/// </summary>
public static class SpectrogramImage
{
    /// <summary>Widest preview, pixels.</summary>
    public const int MaxWidth = 1200;

    /// <summary>Narrowest preview, pixels.</summary>
    public const int MinWidth = 200;

    /// <summary>Default width, pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Mel bands (one pixel row each).</summary>
    public const int MelBands = 128;

    private const int BarHeight = 6;
    private const int WaveHeight = 64;
    private const int Gap = 2;

    /// <summary>Height of every preview, pixels.</summary>
    public const int Height = BarHeight + WaveHeight + Gap + MelBands;

    // Viridis (van der Walt & Smith 2015, matplotlib's default) at nine evenly spaced stops, interpolated linearly.
    private static readonly Rgb[] Viridis =
    [
        new(68, 1, 84), new(71, 44, 122), new(59, 81, 139), new(44, 113, 142), new(33, 144, 141),
        new(39, 173, 129), new(92, 200, 99), new(170, 220, 50), new(253, 231, 37),
    ];

    private static readonly Rgb Background = new(18, 18, 24);
    private static readonly Rgb Wave = new(144, 202, 249);
    private static readonly Rgb First = new(255, 183, 77);
    private static readonly Rgb Second = new(240, 98, 146);
    private static readonly Rgb Boundary = new(255, 255, 255);

    /// <summary>The PNG of <paramref name="audio"/> with <paramref name="overlay"/>, <paramref name="width"/> pixels wide (clamped).</summary>
    public static byte[] RenderPng(AudioBuffer audio, PreviewOverlay? overlay = null, int width = DefaultWidth) =>
        PngEncoder.Encode(Render(audio, overlay ?? PreviewOverlay.None, width));

    /// <summary>The preview as a raster (see <see cref="RenderPng"/>).</summary>
    public static RgbImage Render(AudioBuffer audio, PreviewOverlay overlay, int width = DefaultWidth)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(overlay);
        width = Math.Clamp(width, MinWidth, MaxWidth);
        var image = new RgbImage(width, Height);
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image.Set(x, y, Background);
            }
        }

        var mono = audio.ToMono().Channels[0];
        DrawWaveform(image, mono);
        DrawSpectrogram(image, mono, audio.SampleRate);
        DrawOverlay(image, overlay, audio.Duration);
        return image;
    }

    private static void DrawWaveform(RgbImage image, float[] samples)
    {
        var top = BarHeight;
        var middle = top + (WaveHeight / 2);
        var peak = 1e-9f;
        foreach (var s in samples)
        {
            peak = Math.Max(peak, Math.Abs(s));
        }

        // Scaled to the clip's own peak, so quiet clips still show their shape.
        var scale = (WaveHeight / 2 - 1) / peak;
        for (var x = 0; x < image.Width; x++)
        {
            var from = (int)((long)x * samples.Length / image.Width);
            var to = Math.Max(from + 1, (int)((long)(x + 1) * samples.Length / image.Width));
            float min = 0, max = 0;
            for (var i = from; i < Math.Min(to, samples.Length); i++)
            {
                min = Math.Min(min, samples[i]);
                max = Math.Max(max, samples[i]);
            }

            image.VerticalLine(x, middle - (int)Math.Round(max * scale), middle - (int)Math.Round(min * scale) + 1, Wave);
        }
    }

    private static void DrawSpectrogram(RgbImage image, float[] samples, int sampleRate)
    {
        var fft = sampleRate >= 32_000 ? 2048 : 1024;
        var perColumn = (double)samples.Length / image.Width;
        float[] signal;
        int hop, firstFrame;
        if (perColumn <= fft)
        {
            hop = Math.Max(64, (int)Math.Ceiling(perColumn));
            signal = samples.Length >= fft ? samples : [.. samples, .. new float[fft - samples.Length]];
            firstFrame = 0;
        }
        else
        {
            // Long audio: one FFT window per column, taken around the column's centre and laid end to end after half a
            // window of silence, so that with hop = window the centred frame t + 1 is exactly column t's window. The work
            // is then width × window whatever the length.
            hop = fft;
            signal = new float[(fft / 2) + (image.Width * fft)];
            for (var x = 0; x < image.Width; x++)
            {
                var from = (long)((x + 0.5) * perColumn) - (fft / 2);
                for (var i = 0; i < fft; i++)
                {
                    var at = from + i;
                    signal[(fft / 2) + (x * fft) + i] = at >= 0 && at < samples.Length ? samples[at] : 0f;
                }
            }

            firstFrame = 1;
        }

        using var mel = new LogMelSpectrogram(new LogMelOptions(sampleRate, FftSize: fft, HopLength: hop, NMels: MelBands, TopDb: 80));
        var db = mel.Compute(signal);
        var frames = db.GetLength(1) - firstFrame;
        var peak = float.MinValue;
        for (var band = 0; band < MelBands; band++)
        {
            for (var f = firstFrame; f < db.GetLength(1); f++)
            {
                peak = Math.Max(peak, db[band, f]);
            }
        }

        var top = BarHeight + WaveHeight + Gap;
        for (var x = 0; x < image.Width; x++)
        {
            var frame = firstFrame + Math.Min(frames - 1, (int)((long)x * frames / image.Width));
            for (var band = 0; band < MelBands; band++)
            {
                var level = Math.Clamp((db[band, frame] - (peak - 80)) / 80, 0, 1);
                image.Set(x, top + MelBands - 1 - band, Colour(level));
            }
        }
    }

    private static void DrawOverlay(RgbImage image, PreviewOverlay overlay, double duration)
    {
        if (duration <= 0)
        {
            return;
        }

        int X(double seconds) => (int)Math.Round(seconds / duration * (image.Width - 1));
        var specTop = BarHeight + WaveHeight + Gap;
        var half = specTop + (MelBands / 2);
        foreach (var region in overlay.Regions)
        {
            for (var x = Math.Max(0, X(region.Start)); x <= Math.Min(image.Width - 1, X(region.End)); x++)
            {
                image.VerticalLine(x, BarHeight, Height, Boundary, 0.12);
            }
        }

        foreach (var marker in overlay.Markers.Where(m => m.Seconds >= 0 && m.Seconds <= duration))
        {
            var style = Style(marker.Role);
            var (top, bottom) = style.Lane switch
            {
                Lane.Upper => (specTop, half),
                Lane.Lower => (half, Height),
                _ => (BarHeight, Height),
            };
            var x = X(marker.Seconds);
            for (var column = x + style.FirstColumn; column < x + style.FirstColumn + style.Width; column++)
            {
                image.VerticalLine(column, top, bottom, style.Colour, style.Alpha);
            }
        }

        if (overlay.Lambda is { } lambda)
        {
            var split = (int)Math.Round(Math.Clamp(lambda, 0, 1) * image.Width);
            for (var x = 0; x < image.Width; x++)
            {
                image.VerticalLine(x, 0, BarHeight - 1, x < split ? First : Second);
            }
        }
    }

    /// <summary>
    /// How a marker of <paramref name="role"/> is drawn: the first source's beats in the upper half of the spectrogram and
    /// the second's in the lower half (downbeats two pixels wide, beats one pixel at 55 %), the second source's start
    /// (two pixels) and boundaries (one pixel at 90 %) over waveform and spectrogram.
    /// </summary>
    private static MarkerStyle Style(PreviewMarkerRole role) => role switch
    {
        PreviewMarkerRole.FirstBeat => new(Lane.Upper, First, 0, 1, 0.55),
        PreviewMarkerRole.FirstDownbeat => new(Lane.Upper, First, -1, 2, 1),
        PreviewMarkerRole.SecondBeat => new(Lane.Lower, Second, 0, 1, 0.55),
        PreviewMarkerRole.SecondDownbeat => new(Lane.Lower, Second, -1, 2, 1),
        PreviewMarkerRole.SecondStart => new(Lane.Full, Second, 0, 2, 1),
        _ => new(Lane.Full, Boundary, 0, 1, 0.9),
    };

    /// <summary>The rows a marker covers.</summary>
    private enum Lane
    {
        Upper,
        Lower,
        Full,
    }

    /// <summary>A marker's lane, colour, columns (from <see cref="FirstColumn"/> relative to its time, <see cref="Width"/> wide) and opacity.</summary>
    private sealed record MarkerStyle(Lane Lane, Rgb Colour, int FirstColumn, int Width, double Alpha);

    private static Rgb Colour(double level)
    {
        var position = level * (Viridis.Length - 1);
        var i = Math.Min(Viridis.Length - 2, (int)position);
        var t = position - i;
        var (a, b) = (Viridis[i], Viridis[i + 1]);
        return new Rgb(Lerp(a.R, b.R, t), Lerp(a.G, b.G, t), Lerp(a.B, b.B, t));
    }

    private static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + ((b - a) * t));
}
