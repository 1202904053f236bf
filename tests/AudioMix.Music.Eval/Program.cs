// Developer tool: scores the beat tracker on a folder with the dev layout (music/<id>/mix.wav, beats.txt,
// downbeats.txt, meta.json) with mir_eval conventions and prints per-clip and mean scores next to the anchors.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio.Codecs;
using AudioMix.Music.Beats;

var inv = CultureInfo.InvariantCulture;
var librosa = args.Contains("--librosa");
args = [.. args.Where(a => a != "--librosa")];
if (args.Length < 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: AudioMix.Music.Eval DEV_FOLDER [--librosa]   (contains music/<id>/mix.wav, beats.txt, downbeats.txt, meta.json)");
    return 2;
}

var root = Directory.Exists(Path.Combine(args[0], "music")) ? Path.Combine(args[0], "music") : args[0];
var clips = Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "mix.wav"))).Order(StringComparer.Ordinal).ToArray();
if (clips.Length == 0)
{
    Console.Error.WriteLine($"no clips (*/mix.wav) under {root}");
    return 2;
}

using var tracker = new BeatTracker(librosa ? BeatTrackerOptions.Librosa : null);
// Warm-up so the first clip's RTF does not include loading libtorch.
_ = tracker.Analyze(AudioMix.Audio.AudioBuffer.Silence(22050, 1, 22050 * 2));

var rows = new List<double[]>();
Console.WriteLine("clip    refBPM  estBPM  meter(ref/est)    F     Cemgil  CMLt   AMLt   P      Acc1 Acc2  dbF    offset_ms  RTF");
foreach (var clip in clips)
{
    var id = Path.GetFileName(clip);
    var reference = ReadTimes(Path.Combine(clip, "beats.txt"));
    var refDown = ReadTimes(Path.Combine(clip, "downbeats.txt"));
    using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(clip, "meta.json")));
    var refBpm = meta.RootElement.GetProperty("tempo_bpm_median").GetDouble();
    var refMeter = meta.RootElement.GetProperty("beats_per_bar").GetInt32();

    var sw = Stopwatch.StartNew();
    var audio = AudioFile.Read(Path.Combine(clip, "mix.wav"));
    var result = tracker.Analyze(audio);
    sw.Stop();
    if (Environment.GetEnvironmentVariable("BEATS_DIAG") == "1")
    {
        var sw2 = Stopwatch.StartNew();
        var mono = AudioMix.Audio.Dsp.Resampler.Resample(audio.ToMono(), 22050, AudioMix.Audio.Dsp.ResamplerQuality.Balanced);
        var tResample = sw2.Elapsed.TotalMilliseconds;
        var feats = tracker.Features(mono.Channels[0]);
        var tFeatures = sw2.Elapsed.TotalMilliseconds - tResample;
        _ = BeatTracker.Decode(feats, tracker.Options);
        Console.WriteLine(string.Create(inv, $"   ms: total {sw.Elapsed.TotalMilliseconds:0} resample {tResample:0} features {tFeatures:0} decode {sw2.Elapsed.TotalMilliseconds - tResample - tFeatures:0}"));
        var fps = tracker.Options.FrameRate;
        var ac = feats.Autocorrelation;
        var peaks = Enumerable.Range(2, ac.Length - 3).Where(k => ac[k] > ac[k - 1] && ac[k] >= ac[k + 1] && 60 * fps / k < 320 && 60 * fps / k > 30)
            .OrderByDescending(k => ac[k]).Take(6).Select(k => string.Create(inv, $"{60 * fps / k:0.0}:{ac[k]:0.000}"));
        Console.WriteLine($"   ac peaks {string.Join(' ', peaks)}");
    }
    var rtf = audio.Duration / sw.Elapsed.TotalSeconds;

    var r = BeatMetrics.TrimBeats(reference);
    var e = BeatMetrics.TrimBeats(result.Beats);
    var f = BeatMetrics.FMeasure(r, e);
    var cemgil = BeatMetrics.Cemgil(r, e);
    var cont = BeatMetrics.Continuity(r, e);
    var p = BeatMetrics.PScore(r, e);
    var acc1 = BeatMetrics.TempoAcc1(refBpm, result.Tempo) ? 1.0 : 0.0;
    var acc2 = BeatMetrics.TempoAcc2(refBpm, result.Tempo) ? 1.0 : 0.0;
    var dbF = BeatMetrics.FMeasure(BeatMetrics.TrimBeats(refDown), BeatMetrics.TrimBeats(result.Downbeats));
    var offset = MedianOffsetMs(r, e);
    var meterOk = refMeter == result.Meter ? 1.0 : 0.0;
    rows.Add([f, cemgil, cont.CmlT, cont.AmlT, p, acc1, acc2, dbF, offset, rtf, meterOk]);
    Console.WriteLine(string.Create(inv,
        $"{id,-7} {refBpm,6:0.0}  {result.Tempo,6:0.0}  {refMeter}/{result.Meter}             {f:0.000}  {cemgil:0.000}   {cont.CmlT:0.000}  {cont.AmlT:0.000}  {p:0.000}  {acc1,3:0}  {acc2,3:0}   {dbF:0.000}  {offset,7:0.0}  {rtf,7:0.0}"));
}

double Mean(int c) => rows.Select(x => x[c]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
Console.WriteLine();
Console.WriteLine("| tracker | F | Cemgil | CMLt | AMLt | P | Acc1 | Acc2 | downbeat F | meter acc | offset ms | RTF |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
Console.WriteLine(string.Create(inv,
    $"| AudioMix BeatTracker{(librosa ? " (librosa config)" : "")} | {Mean(0):0.000} | {Mean(1):0.000} | {Mean(2):0.000} | {Mean(3):0.000} | {Mean(4):0.000} | {Mean(5):0.000} | {Mean(6):0.000} | {Mean(7):0.000} | {Mean(10):0.000} | {Mean(8):0.0} | {Mean(9):0.0} |"));
Console.WriteLine("| aubio (anchor) | 0.719 | 0.680 | 0.430 | 0.747 | 0.649 | 0.583 | 0.917 | - | - | -6.5 | 51.8 |");
Console.WriteLine("| Essentia multifeature (anchor) | 0.833 | 0.775 | 0.577 | 0.901 | 0.768 | 0.583 | 0.917 | - | - | 9.5 | 10.0 |");
Console.WriteLine("| Ellis DP librosa-faithful (anchor) | 0.785 | 0.514 | 0.498 | 0.822 | 0.718 | 0.500 | 0.833 | - | - | 36.4 | 73.9 |");
Console.WriteLine("RTF here = audio seconds / (decode + analysis) wall seconds, in-process after warm-up (anchors: whole process per clip).");
return 0;

static double[] ReadTimes(string path) =>
    File.Exists(path)
        ? [.. File.ReadAllLines(path)
            .Select(l => l.Trim().Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.Length > 0)
            .Select(t => double.Parse(t[0], CultureInfo.InvariantCulture))]
        : [];

// Median signed offset (estimate − reference) of the beats matched within ±70 ms, in ms.
static double MedianOffsetMs(double[] reference, double[] estimate)
{
    var d = new List<double>();
    foreach (var e in estimate)
    {
        var nearest = reference.Length == 0 ? double.NaN : reference.MinBy(r => Math.Abs(r - e));
        if (Math.Abs(nearest - e) <= 0.07)
        {
            d.Add((e - nearest) * 1000);
        }
    }

    if (d.Count == 0)
    {
        return double.NaN;
    }

    d.Sort();
    return d.Count % 2 == 1 ? d[d.Count / 2] : 0.5 * (d[(d.Count / 2) - 1] + d[d.Count / 2]);
}
