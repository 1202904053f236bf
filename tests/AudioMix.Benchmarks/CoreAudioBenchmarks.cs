using System.Globalization;
using System.Text.RegularExpressions;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Dsp;
using AudioMix.Audio.Dsp.TimeStretch;
using AudioMix.Audio.Loudness;
using AudioMix.Audio.Processing;

namespace AudioMix.Benchmarks;

/// <summary>
/// The audio core against ffmpeg on one file: WAV decoding, 44.1→16 kHz resampling, BS.1770 loudness.
/// Both sides start from the WAV file on disk, so each ratio compares complete file-to-result work
/// (ffmpeg's numbers include its process start, a few tens of milliseconds, which a long input amortises).
/// </summary>
internal static partial class CoreAudioBenchmarks
{
    public static void Run(BenchmarkHarness harness, int seconds)
    {
        var wav = Path.Combine(harness.Folder, "input.wav");
        AudioFile.Write(wav, MakeSignal(44100, seconds), WavSampleFormat.Pcm16);

        // WAV decode: read every block to float32.
        var decode = BenchmarkHarness.Time(() =>
        {
            foreach (var _ in AudioBlocks.Read(wav))
            {
            }
        });
        var ffDecode = BenchmarkHarness.TimeProcess("ffmpeg", "-nostdin", "-v", "error", "-i", wav, "-f", "null", "-");
        BenchmarkHarness.Report("WAV decode (PCM16 → float32)", seconds, decode, ffDecode, "ffmpeg -f null");

        // Resampling 44.1 kHz → 16 kHz, streamed, stereo. ffmpeg's default swr filter (32 taps) is
        // closest to our Fast quality; soxr at ffmpeg's default precision to our High.
        foreach (var (quality, reference, args) in new[]
        {
            (ResamplerQuality.Fast, "ffmpeg swr (default)", "aresample=16000"),
            (ResamplerQuality.High, "ffmpeg soxr", "aresample=16000:resampler=soxr"),
        })
        {
            var resample = BenchmarkHarness.Time(() =>
            {
                var resampler = new Resampler(44100, 16000, 2, quality);
                foreach (var block in AudioBlocks.Read(wav))
                {
                    resampler.Process(block);
                }

                resampler.Flush();
            });
            var ffResample = BenchmarkHarness.TimeProcess("ffmpeg", "-nostdin", "-v", "error", "-i", wav, "-af", args, "-f", "null", "-");
            BenchmarkHarness.Report($"Resample 44.1k→16k {quality} (decode incl.)", seconds, resample, ffResample, reference);
        }

        // Integrated loudness.
        var lufs = double.NaN;
        var loudness = BenchmarkHarness.Time(() =>
        {
            var meter = new LoudnessMeter(44100, 2);
            foreach (var block in AudioBlocks.Read(wav))
            {
                meter.Add(block);
            }

            lufs = meter.GetResult().IntegratedLufs;
        });
        var ffLufs = double.NaN;
        var ffLoudness = BenchmarkHarness.Time(() =>
            ffLufs = ParseIntegrated(BenchmarkHarness.RunProcess("ffmpeg", "-nostdin", "-hide_banner", "-i", wav, "-af", "ebur128=framelog=quiet", "-f", "null", "-")));
        BenchmarkHarness.Report("Loudness BS.1770-4 (decode incl.)", seconds, loudness, ffLoudness, "ffmpeg ebur128");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-42} integrated loudness: AudioMix {lufs:0.00} LUFS, ffmpeg {ffLufs:0.0} LUFS"));

        // Time-stretching by 5 % (tempo matching for beat-synchronous mixup) on the first 60 s,
        // against Rubber Band's command line (its default engine) on the same file.
        var stretchSeconds = Math.Min(60, seconds);
        var clip = Path.Combine(harness.Folder, "clip.wav");
        var clipAudio = AudioFile.Read(wav);
        clipAudio = clipAudio.Slice(0, stretchSeconds * clipAudio.SampleRate);
        AudioFile.Write(clip, clipAudio, WavSampleFormat.Pcm16);
        var stretched = Path.Combine(harness.Folder, "stretched.wav");
        var rubberband = BenchmarkHarness.TimeProcess("rubberband", "-q", "-t", "1.05", clip, stretched);
        foreach (var method in new[] { TimeStretchMethod.PhaseVocoder, TimeStretchMethod.Wsola })
        {
            var ours = BenchmarkHarness.Time(() => TimeStretcher.Stretch(AudioFile.Read(clip), 1.05, method));
            BenchmarkHarness.Report($"Time-stretch ×1.05 {method} (I/O incl.)", stretchSeconds, ours, rubberband, "rubberband -t 1.05");
        }

        // In-memory kernels alone, for context (no file I/O).
        var buffer = AudioFile.Read(wav);
        var kernel = BenchmarkHarness.Time(() => Resampler.Resample(buffer, 16000));
        var meterOnly = BenchmarkHarness.Time(() => LoudnessMeter.Measure(buffer));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"In-memory kernels",-42} resample {seconds / kernel.TotalSeconds:0}x real time, loudness {seconds / meterOnly.TotalSeconds:0}x real time"));
    }

    private static double ParseIntegrated(string ffmpegStderr)
    {
        var match = IntegratedRegex().Match(ffmpegStderr);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    [GeneratedRegex(@"Integrated loudness:\s*\n\s*I:\s*(-?[0-9.]+) LUFS")]
    private static partial Regex IntegratedRegex();

    // Music-like test material: a few tones plus low-level noise, deterministic.
    private static AudioBuffer MakeSignal(int rate, int seconds)
    {
        var rng = new Random(1234);
        var frames = rate * seconds;
        var left = new float[frames];
        var right = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / rate;
            var tone = 0.2 * Math.Sin(2 * Math.PI * 220 * t) + 0.1 * Math.Sin(2 * Math.PI * 1760 * t) * (1 + Math.Sin(2 * Math.PI * 0.5 * t)) / 2;
            var noise = 0.02 * (rng.NextDouble() * 2 - 1);
            left[i] = (float)(tone + noise);
            right[i] = (float)(0.8 * tone - noise);
        }

        return new AudioBuffer(rate, [left, right]);
    }
}
