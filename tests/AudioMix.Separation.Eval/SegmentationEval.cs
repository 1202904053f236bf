using System.Globalization;
using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Models;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Separation.Eval;

/// <summary>
/// `DEV_DIR segments [method…]`: vocal-activity segmentation on the vocal clips, scored against the spoken sentences'
/// true spans (meta.json "segments"), with the vocal stem taken from the true vocals (ceiling), the mixture (what
/// segmenting without separation gives) and each separator. Reported: frame-level precision / recall / F1 of the raw
/// detector (unpadded, unmerged segments, 10 ms grid), and for the default ASR chunks (padded, merged ≤ 30 s) the share
/// of sentences that land whole inside one chunk and the share of chunk time that is speech. Each signal is scored with
/// the RMS detector and, when the pinned model is installed (infra/models/install), with Silero VAD at its defaults.
/// </summary>
internal static class SegmentationEval
{
    private const double Grid = 0.01;

    public static void Run(string dev, IReadOnlyCollection<string> only)
    {
        var clips = Directory.GetDirectories(Path.Combine(dev, "vocal")).Order(StringComparer.Ordinal).Select(dir => (
            Mix: AudioFile.Read(Path.Combine(dir, "mix.wav")),
            Vocals: AudioFile.Read(Path.Combine(dir, "stems", "vocals.flac")),
            Truth: Sentences(Path.Combine(dir, "meta.json")))).ToArray();
        Console.WriteLine($"vocal clips: {clips.Length}, {clips.Sum(c => c.Truth.Count)} sentences  (frame P | R | F1 unmerged; sentences whole in one chunk; speech share of chunk time)");
        var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        using var silero = store.IsInstalled(ModelCatalog.SileroVad) ? SileroVad.Load(store) : null;
        if (silero is null)
        {
            Console.WriteLine($"(Silero VAD not installed in {store.Root}: run {ModelStore.InstallCommand} for the silero rows)");
        }

        void ReportSilero(string name, (AudioBuffer Audio, IReadOnlyList<(double Start, double End)> Truth)[] signals)
        {
            if (silero is null)
            {
                return;
            }

            var raw = new SileroSpeechDetector(silero, new SileroVadOptions(Merge: false));
            var chunks = new SileroSpeechDetector(silero);
            Score(name, signals.Select(c =>
            {
                var probabilities = raw.Probabilities(c.Audio);
                return (c.Audio.Duration, c.Truth, raw.Segment(probabilities, c.Audio.Duration), chunks.Segment(probabilities, c.Audio.Duration));
            }).ToArray());
        }

        Report("true vocals (ceiling)", clips.Select(c => (c.Vocals, c.Truth)).ToArray());
        ReportSilero("  silero", clips.Select(c => (c.Vocals, c.Truth)).ToArray());
        Report("mixture (no separation)", clips.Select(c => (c.Mix, c.Truth)).ToArray());
        ReportSilero("  silero", clips.Select(c => (c.Mix, c.Truth)).ToArray());
        // htdemucs only when installed (opt-in: research-only weights), and only when asked for by name.
        var methods = SeparatorFactory.BuiltInMethods.Where(m => only.Count == 0 || only.Contains(m))
            .Concat(only.Contains(ModelCatalog.HtDemucs) && store.IsInstalled(ModelCatalog.HtDemucs) ? [ModelCatalog.HtDemucs] : Array.Empty<string>());
        foreach (var method in methods)
        {
            using var separator = SeparatorFactory.Create(method, models: store);
            var stem = SeparatorFactory.VocalStem(separator);
            var separated = clips.Select(c => (Vocals: separator.Separate(c.Mix)[stem], c.Mix, c.Truth)).ToArray();
            Report($"{method} → {stem}", separated.Select(c => (c.Vocals, (AudioBuffer?)null, c.Truth)).ToArray());
            foreach (var threshold in new[] { 0.6, 0.7, 0.8 })
            {
                Report(string.Create(CultureInfo.InvariantCulture, $"  share ≥ {threshold}"), separated.Select(c => (c.Vocals, (AudioBuffer?)c.Mix, c.Truth)).ToArray(), threshold);
            }

            ReportSilero("  silero", separated.Select(c => (c.Vocals, c.Truth)).ToArray());
        }
    }

    private static void Report(string name, (AudioBuffer Vocals, IReadOnlyList<(double Start, double End)> Truth)[] clips) =>
        Report(name, clips.Select(c => (c.Vocals, (AudioBuffer?)null, c.Truth)).ToArray());

    /// <summary>Peak scoring when no mixture is given; share scoring at <paramref name="threshold"/> otherwise.</summary>
    private static void Report(string name, (AudioBuffer Vocals, AudioBuffer? Mix, IReadOnlyList<(double Start, double End)> Truth)[] clips, double threshold = 0.1)
    {
        var score = clips.Any(c => c.Mix is not null) ? VocalActivityScore.Share : VocalActivityScore.Peak;
        var raw = new VocalActivitySegmenter(new VocalActivityOptions(OnsetThreshold: threshold, OffsetThreshold: threshold, PaddingSeconds: 0, Merge: false, Score: score));
        var chunks = new VocalActivitySegmenter(new VocalActivityOptions(OnsetThreshold: threshold, OffsetThreshold: threshold, Score: score));
        Score(name, clips.Select(c => (c.Vocals.Duration, c.Truth, raw.Segment(c.Vocals, c.Mix), chunks.Segment(c.Vocals, c.Mix))).ToArray());
    }

    /// <summary>Frame P/R/F1 of the raw spans on a 10 ms grid; sentences whole in one chunk; speech share of chunk time.</summary>
    private static void Score(string name, (double Duration, IReadOnlyList<(double Start, double End)> Truth, IReadOnlyList<VocalSegment> Raw, IReadOnlyList<VocalSegment> Chunks)[] clips)
    {
        double tp = 0, fp = 0, fn = 0, speechInChunks = 0, chunkTime = 0;
        int whole = 0, sentences = 0;
        foreach (var (duration, truth, rawSegments, merged) in clips)
        {
            var detected = rawSegments.Select(s => (s.Start, s.End)).ToArray();
            for (var t = Grid / 2; t < duration; t += Grid)
            {
                var (isTrue, isDetected) = (Inside(truth, t), Inside(detected, t));
                tp += isTrue && isDetected ? 1 : 0;
                fp += !isTrue && isDetected ? 1 : 0;
                fn += isTrue && !isDetected ? 1 : 0;
            }

            sentences += truth.Count;
            whole += truth.Count(s => merged.Any(c => c.Start <= s.Start && c.End >= s.End));
            foreach (var c in merged)
            {
                chunkTime += c.Duration;
                speechInChunks += truth.Sum(s => Math.Max(0, Math.Min(s.End, c.End) - Math.Max(s.Start, c.Start)));
            }
        }

        var precision = tp / Math.Max(1, tp + fp);
        var recall = tp / Math.Max(1, tp + fn);
        var f1 = 2 * precision * recall / Math.Max(1e-12, precision + recall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name,-26} | {precision,5:0.000} | {recall,5:0.000} | {f1,5:0.000} | {whole,2}/{sentences} whole | {speechInChunks / Math.Max(1e-9, chunkTime),5:0.000} speech |"));
    }

    private static bool Inside(IReadOnlyList<(double Start, double End)> spans, double t) => spans.Any(s => t >= s.Start && t < s.End);

    private static IReadOnlyList<(double Start, double End)> Sentences(string metaPath)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(metaPath));
        return [.. meta.RootElement.GetProperty("segments").EnumerateArray().Select(s => (s.GetProperty("start_s").GetDouble(), s.GetProperty("end_s").GetDouble()))];
    }
}
