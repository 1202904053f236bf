// Developer tool: scores the beat tracker on folders with the dev layout (music/<id>/mix.wav or mix.flac, beats.txt,
// downbeats.txt, meta.json) with mir_eval conventions and prints per-clip scores and one summary table per folder next
// to the anchors (../shared/eval/ANCHORS-dev.md), plus the Pearson correlation of the tracker's confidence with F.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AudioMix.Audio.Codecs;
using AudioMix.Music.Beats;

var inv = CultureInfo.InvariantCulture;
var librosa = args.Contains("--librosa");
var quiet = args.Contains("--quiet");
var folders = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (folders.Length < 1 || folders.Any(f => !Directory.Exists(f)))
{
    Console.Error.WriteLine("usage: AudioMix.Music.Eval FOLDER [FOLDER...] [--librosa] [--quiet]   (each contains music/<id>/mix.wav|mix.flac, beats.txt, downbeats.txt, meta.json)");
    return 2;
}

using var tracker = new BeatTracker(librosa ? BeatTrackerOptions.Librosa : null);
// Warm-up so the first clip's RTF does not include loading libtorch.
_ = tracker.Analyze(AudioMix.Audio.AudioBuffer.Silence(22050, 1, 22050 * 2));

if (Environment.GetEnvironmentVariable("BEATS_PROFILE") is { Length: > 0 } profileFile)
{
    // Stage timings (CPU ms per run, mean of 10 runs) on one file: decode, resample to the analysis rate, front end, committee, the rest.
    var cpu = () => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    double tRead = 0, tRes = 0, tFront = 0, tTrack = 0, tDecode = 0;
    for (var run = 0; run < 10; run++)
    {
        var c0 = cpu();
        var a = AudioFile.Read(profileFile);
        var c1 = cpu();
        var m = AudioMix.Audio.Dsp.Resampler.Resample(a.ToMono(), tracker.Options.SampleRate, AudioMix.Audio.Dsp.ResamplerQuality.Balanced);
        var c2 = cpu();
        var feats = tracker.Features(m.Channels[0]);
        var c3 = cpu();
        var cands = MultiFeatureTracker.Track(feats, tracker.Options);
        var c4 = cpu();
        _ = BeatTracker.Decode(feats, tracker.Options, cands);
        var c5 = cpu();
        tRead += c1 - c0; tRes += c2 - c1; tFront += c3 - c2; tTrack += c4 - c3; tDecode += c5 - c4;
    }

    Console.WriteLine(string.Create(inv, $"CPU ms/run: read {tRead / 10:0} resample {tRes / 10:0} front-end {tFront / 10:0} committee {tTrack / 10:0} decode {tDecode / 10:0}"));
    return 0;
}

var summaries = new List<string>();
foreach (var folder in folders)
{
    var root = Directory.Exists(Path.Combine(folder, "music")) ? Path.Combine(folder, "music") : folder;
    var clips = Directory.GetDirectories(root).Where(d => MixPath(d) is not null).Order(StringComparer.Ordinal).ToArray();
    if (clips.Length == 0)
    {
        Console.Error.WriteLine($"no clips (*/mix.wav or */mix.flac) under {root}");
        return 2;
    }

    var rows = new List<double[]>();
    Console.WriteLine($"== {folder}");
    Console.WriteLine("clip                      refBPM  estBPM  meter    F     Cemgil  CMLt   AMLt   P      Acc1 Acc2  dbF    conf   offset_ms  RTF");
    foreach (var clip in clips)
    {
        var id = Path.GetFileName(clip);
        var reference = ReadTimes(Path.Combine(clip, "beats.txt"));
        var refDown = ReadTimes(Path.Combine(clip, "downbeats.txt"));
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(clip, "meta.json")));
        var refBpm = meta.RootElement.GetProperty("tempo_bpm_median").GetDouble();
        var refMeter = meta.RootElement.TryGetProperty("beats_per_bar", out var bpb)
            ? bpb.GetInt32()
            : int.Parse(meta.RootElement.GetProperty("meter").GetString()!.Split('/')[0], inv);

        var sw = Stopwatch.StartNew();
        var audio = AudioFile.Read(MixPath(clip)!);
        var result = tracker.Analyze(audio);
        sw.Stop();
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
        rows.Add([f, cemgil, cont.CmlT, cont.AmlT, p, acc1, acc2, dbF, offset, rtf, meterOk, result.Confidence]);
        if (Environment.GetEnvironmentVariable("BEATS_DIAG") == "1")
        {
            var mono = AudioMix.Audio.Dsp.Resampler.Resample(audio.ToMono(), tracker.Options.SampleRate, AudioMix.Audio.Dsp.ResamplerQuality.Balanced);
            var feats = tracker.Features(mono.Channels[0]);
            var cands = MultiFeatureTracker.Track(feats, tracker.Options);
            var sel = MultiFeatureTracker.Select(cands)!;
            foreach (var d in feats.Detections)
            {
                var sal = TempoEstimator.CombSalience(d.Autocorrelation, tracker.Options.CombHarmonics);
                var fpsd = tracker.Options.FrameRate;
                var pk = Enumerable.Range(2, sal.Length - 3).Where(k => sal[k] > sal[k - 1] && sal[k] >= sal[k + 1] && 60 * fpsd / k < 320 && 60 * fpsd / k > 40)
                    .OrderByDescending(k => sal[k]).Take(5).Select(k => string.Create(inv, $"{60 * fpsd / k:0.0}:{sal[k]:0.000}"));
                Console.WriteLine($"    peaks {d.Name,-12} {string.Join(' ', pk)}");
            }

            foreach (var d in feats.Detections)
            {
                var (onB, offB) = MetricalTests.OnOffStrength(d.Values, sel.Frames);
                Console.WriteLine(string.Create(inv, $"    mid/beat {d.Name,-12} {offB / onB:0.000}"));
            }

            foreach (var c in cands)
            {
                var ct = BeatMetrics.TrimBeats(c.Frames.Select(x => x / tracker.Options.FrameRate));
                Console.WriteLine(string.Create(inv, $"    {c.Detection,-12} {60 * tracker.Options.FrameRate / c.PeriodFrames,6:0.0}  F {BeatMetrics.FMeasure(r, ct):0.000}  AMLt {BeatMetrics.Continuity(r, ct).AmlT:0.000}  MA {c.Agreement:0.000}"));
            }
        }

        if (Environment.GetEnvironmentVariable("BEATS_DIAG") == "2")
        {
            var mono = AudioMix.Audio.Dsp.Resampler.Resample(audio.ToMono(), tracker.Options.SampleRate, AudioMix.Audio.Dsp.ResamplerQuality.Balanced);
            var feats = tracker.Features(mono.Channels[0]);
            var cands = MultiFeatureTracker.Track(feats, tracker.Options);
            var sel = MultiFeatureTracker.Select(cands)!;
            var fr = MetricalTests.OffBeatCorrection(feats, sel.Frames) ?? sel.Frames;
            double[] Band(double lo, double hi)
            {
                var maxMel = AudioMix.Audio.Torch.MelFilterbank.HzToMel(tracker.Options.SampleRate / 2.0, AudioMix.Audio.Torch.MelScale.Slaney);
                var nb = feats.MelDb.Length;
                var idx = Enumerable.Range(0, nb).Where(b => { var hz = AudioMix.Audio.Torch.MelFilterbank.MelToHz(maxMel * (b + 1) / (nb + 1), AudioMix.Audio.Torch.MelScale.Slaney); return hz >= lo && hz < hi; }).ToArray();
                var T = feats.MelDb[0].Length;
                var o = new double[T];
                for (var t = 1; t < T; t++) { double a = 0; foreach (var b in idx) { a += Math.Max(0, feats.MelDb[b][t] - feats.MelDb[b][t - 1]); } o[t] = a / idx.Length; }
                return o;
            }
            string R(double[] odf) { var (on, mid) = MetricalTests.OnOffStrength(odf, fr); return string.Create(inv, $"{mid / on:0.00}"); }
            string Alt(double[] odf) { double e = 0, od = 0; for (var i = 0; i < fr.Length; i++) { if (i % 2 == 0) e += MetricalTests.PeakAround(odf, fr[i]); else od += MetricalTests.PeakAround(odf, fr[i]); } return string.Create(inv, $"{Math.Min(e, od) / Math.Max(e, od):0.00}"); }
            var lowB = Band(0, 150); var s1 = Band(150, 1000); var s2 = Band(1000, 4000); var hh = Band(6000, 20000);
            var en = feats.Detections.First(d => d.Name == "energy-flux").Values;
            Console.WriteLine(string.Create(inv, $"DIAG-T {id,-25} tLow={MetricalTests.OnMinusMidT(feats.LowOnset, fr):0.00} tEnergy={MetricalTests.OnMinusMidT(en, fr):0.00} tSnare={MetricalTests.OnMinusMidT(feats.SnareOnset, fr):0.00}"));
            Console.WriteLine($"DIAG {id,-25} F={f:0.000} est={result.Tempo:0.0} ref={refBpm:0.0} mid/on low={R(lowB)} s150-1k={R(s1)} s1-4k={R(s2)} hh={R(hh)} energy={R(en)} | alt(min/max even/odd) low={Alt(lowB)} s150-1k={Alt(s1)} s1-4k={Alt(s2)} hh={Alt(hh)}");
        }

        if (!quiet)
        {
            Console.WriteLine(string.Create(inv,
                $"{id,-25} {refBpm,6:0.0}  {result.Tempo,6:0.0}  {refMeter}/{result.Meter}    {f:0.000}  {cemgil:0.000}   {cont.CmlT:0.000}  {cont.AmlT:0.000}  {p:0.000}  {acc1,3:0}  {acc2,3:0}   {dbF:0.000}  {result.Confidence:0.000}  {offset,7:0.0}  {rtf,7:0.0}"));
        }
    }

    double Mean(int c) => rows.Select(x => x[c]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
    var correlation = Pearson(rows.Select(x => x[11]).ToArray(), rows.Select(x => x[0]).ToArray());
    var table = new System.Text.StringBuilder();
    table.AppendLine(string.Create(inv, $"### {folder} ({rows.Count} clips)"));
    table.AppendLine("| tracker | F | Cemgil | CMLt | AMLt | P | Acc1 | Acc2 | downbeat F | meter acc | offset ms | RTF | r(conf, F) |");
    table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    table.AppendLine(string.Create(inv,
        $"| AudioMix BeatTracker{(librosa ? " (librosa config)" : "")} | {Mean(0):0.000} | {Mean(1):0.000} | {Mean(2):0.000} | {Mean(3):0.000} | {Mean(4):0.000} | {Mean(5):0.000} | {Mean(6):0.000} | {Mean(7):0.000} | {Mean(10):0.000} | {Mean(8):0.0} | {Mean(9):0.0} | {correlation:0.00} |"));
    if (Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) == "real-dev")
    {
        table.AppendLine("| aubio (anchor) | 0.452 | | | | | | | | | | | |");
        table.AppendLine("| Essentia multifeature (anchor) | 0.757 | | | | | | | | | | | |");
        table.AppendLine("| Ellis DP librosa-faithful (anchor) | 0.683 | | | | | | | | | | | |");
    }
    else
    {
        table.AppendLine("| aubio (anchor) | 0.719 | 0.680 | 0.430 | 0.747 | 0.649 | 0.583 | 0.917 | - | - | -6.5 | 51.8 | |");
        table.AppendLine("| Essentia multifeature (anchor) | 0.833 | 0.775 | 0.577 | 0.901 | 0.768 | 0.583 | 0.917 | - | - | 9.5 | 10.0 | |");
        table.AppendLine("| Ellis DP librosa-faithful (anchor) | 0.785 | 0.514 | 0.498 | 0.822 | 0.718 | 0.500 | 0.833 | - | - | 36.4 | 73.9 | |");
    }

    summaries.Add(table.ToString());
    Console.WriteLine();
}

foreach (var s in summaries)
{
    Console.WriteLine(s);
}

Console.WriteLine("RTF here = audio seconds / (decode + analysis) wall seconds, in-process after warm-up (anchors: whole process per clip).");
return 0;

static string? MixPath(string clip) =>
    new[] { "mix.wav", "mix.flac" }.Select(n => Path.Combine(clip, n)).FirstOrDefault(File.Exists);

static double[] ReadTimes(string path) =>
    File.Exists(path)
        ? [.. File.ReadAllLines(path)
            .Select(l => l.Trim().Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.Length > 0)
            .Select(t => double.Parse(t[0], CultureInfo.InvariantCulture))]
        : [];

static double Pearson(double[] x, double[] y)
{
    var n = x.Length;
    if (n < 3)
    {
        return double.NaN;
    }

    var mx = x.Average();
    var my = y.Average();
    double sxy = 0, sxx = 0, syy = 0;
    for (var i = 0; i < n; i++)
    {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }

    return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
}

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
