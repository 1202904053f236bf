using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Dsp;
using AudioMix.Models;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Benchmarks;

/// <summary>
/// `-- vad [seconds]`: real-time factor of Silero VAD v5 (the pinned model through ONNX Runtime, one intra-op thread as
/// the silos run it) on speech at 16 kHz, one pass and streamed in 20 ms pieces, and of the whole Silero detector on
/// 44.1 kHz stereo (down-mix + resampling incl.), against RMS-VAD's frame scores on the same audio in the same run.
/// The audio is the parity tests' espeak-ng clip repeated. Needs infra/models/install.
/// </summary>
internal static class VadBenchmarks
{
    public static void Run(int seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        var clip = AudioFile.Read(Path.Combine(AppContext.BaseDirectory, "Vad", "speech16k.wav"));
        var speech = Repeat(clip, seconds);
        var stereo44 = Resampler.Resample(new AudioBuffer(speech.SampleRate, [speech.Channels[0], speech.Channels[0]]), 44100);
        var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        using var vad = SileroVad.Load(store, new OnnxModelOptions(IntraOpThreads: 1));
        Console.WriteLine(string.Create(inv,
            $"VAD — {speech.Duration:0} s of speech, {vad.Installed!.Reference}, ONNX Runtime CPU, 1 intra-op thread, {Environment.ProcessorCount} logical cores (shared), median of {BenchmarkHarness.Repeats}"));

        var rms = new VocalActivitySegmenter();
        var reference = BenchmarkHarness.Time(() => rms.Scores(speech));
        Line("RMS-VAD frame scores, 16 kHz (reference)", speech.Duration, reference, reference);
        Line("Silero VAD, 16 kHz, one pass", speech.Duration, BenchmarkHarness.Time(() => vad.Probabilities(speech)), reference);
        Line("Silero VAD, 16 kHz, streamed in 20 ms pieces", speech.Duration, BenchmarkHarness.Time(() =>
        {
            var stream = vad.CreateStream(16000);
            var samples = speech.Channels[0];
            for (var at = 0; at < samples.Length; at += 320)
            {
                stream.Push(samples.AsSpan(at, Math.Min(320, samples.Length - at)));
            }

            stream.Flush();
        }), reference);
        var eight = Resampler.Resample(speech, 8000);
        Line("Silero VAD, 8 kHz, one pass", speech.Duration, BenchmarkHarness.Time(() => vad.Probabilities(eight)), reference);
        var detector = new SileroSpeechDetector(vad);
        Line("Silero detector, 44.1 kHz stereo (resample incl.)", speech.Duration, BenchmarkHarness.Time(() => detector.Segment(stereo44)), reference);
    }

    private static AudioBuffer Repeat(AudioBuffer clip, int seconds)
    {
        var frames = seconds * clip.SampleRate;
        var data = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            data[i] = clip.Channels[0][i % clip.Frames];
        }

        return new AudioBuffer(clip.SampleRate, [data]);
    }

    private static void Line(string name, double audioSeconds, TimeSpan wall, TimeSpan reference) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-50} {wall.TotalMilliseconds,8:0.0} ms {audioSeconds / wall.TotalSeconds,8:0.0}x real time {wall.TotalSeconds / reference.TotalSeconds,7:0.00}× RMS-VAD"));
}
