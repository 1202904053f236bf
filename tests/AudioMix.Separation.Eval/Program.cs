using System.Diagnostics;
using System.Globalization;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Models;
using AudioMix.Separation;
using AudioMix.Separation.Metrics;

// Usage: dotnet run --project tests/AudioMix.Separation.Eval -c Release -- DEV_DIR [music|vocal|all|segments] [variant…]
// Scores each separator per stem (mean SI-SDR and SDR over clips) next to the mixture and the oracle IRM;
// `segments` scores vocal-activity segmentation on separated vocals against the true sentence spans.
if (args.Length < 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: AudioMix.Separation.Eval DEV_DIR [music|vocal|all|segments] [variant...]");
    return 2;
}

var dev = args[0];
var which = args.Length > 1 ? args[1] : "all";
var only = args.Skip(2).ToHashSet(StringComparer.Ordinal);
bool Wanted(string name) => name == "htdemucs" ? only.Contains(name) : only.Count == 0 || only.Contains(name);
static ISeparator HtDemucs() => SeparatorFactory.HtDemucs(new ModelStore(ModelStoreOptions.FromEnvironment()));

// Music: drums vs rest (bass + harmonic). Separator stems mapped onto those.
var musicVariants = new (string Name, Func<ISeparator> Make, string Drums, string Others)[]
{
    ("hpss", () => SeparatorFactory.Hpss(), "percussive", "harmonic"),
    ("hpss-31x31-4096", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 31 * 1024 / 44100.0, 31 * 44100.0 / 4096)), "percussive", "harmonic"),
    ("hpss-31x31-2048", () => SeparatorFactory.Hpss(new HpssOptions(2048, 512, 31 * 512 / 44100.0, 31 * 44100.0 / 2048)), "percussive", "harmonic"),
    ("hpss-wiener1", () => SeparatorFactory.Hpss(new HpssOptions(WienerIterations: 1)), "percussive", "harmonic"),
    ("hpss-margin2", () => SeparatorFactory.Hpss(new HpssOptions(Margin: 2)), "percussive", "harmonic"),
    ("hpss-4096", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024)), "percussive", "harmonic"),
    ("b-p1", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 0.72, 334, Power: 1)), "percussive", "harmonic"),
    ("b-p4", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 0.72, 334, Power: 4)), "percussive", "harmonic"),
    ("b-h0.5", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 0.5, 334)), "percussive", "harmonic"),
    ("b-h1.0", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 1.0, 334)), "percussive", "harmonic"),
    ("b-p200", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 0.72, 200)), "percussive", "harmonic"),
    ("b-p600", () => SeparatorFactory.Hpss(new HpssOptions(4096, 1024, 0.72, 600)), "percussive", "harmonic"),
    ("b-8192", () => SeparatorFactory.Hpss(new HpssOptions(8192, 2048, 0.72, 334)), "percussive", "harmonic"),
    ("b-8192h1024", () => SeparatorFactory.Hpss(new HpssOptions(8192, 1024, 0.72, 334)), "percussive", "harmonic"),
    ("b-16384", () => SeparatorFactory.Hpss(new HpssOptions(16384, 4096, 0.72, 334)), "percussive", "harmonic"),
    ("b-8192-h1.0", () => SeparatorFactory.Hpss(new HpssOptions(8192, 2048, 1.0, 334)), "percussive", "harmonic"),
    ("b-8192-p200", () => SeparatorFactory.Hpss(new HpssOptions(8192, 2048, 0.72, 200)), "percussive", "harmonic"),
    ("b-2048", () => SeparatorFactory.Hpss(new HpssOptions(2048, 512, 0.72, 334)), "percussive", "harmonic"),
    // Learned (opt-in, research-only weights): run only when named, with the model installed.
    ("htdemucs", HtDemucs, "drums", "bass+other+vocals"),
};
var vocalVariants = new (string Name, Func<ISeparator> Make, string Vocals, string Accompaniment)[]
{
    ("repet-sim", () => SeparatorFactory.RepetSim(), "vocals", "accompaniment"),
    ("repet-sim-wiener1", () => SeparatorFactory.RepetSim(new RepetSimOptions(WienerIterations: 1)), "vocals", "accompaniment"),
    ("two-stage-hpss", () => SeparatorFactory.TwoStageHpss(), "vocals", "accompaniment"),
    ("two-stage-hpss-no-centre", () => SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(CentreStereo: false)), "vocals", "accompaniment"),
    ("two-stage-hpss-s1024", () => SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(ShortWindowSeconds: 0.023, CentreStereo: false)), "vocals", "accompaniment"),
    ("two-stage-hpss-l1.6", () => SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(LongHarmonicKernelSeconds: 1.6, CentreStereo: false)), "vocals", "accompaniment"),
    ("midside", () => SeparatorFactory.MidSide(), "centre", "sides"),
    ("midside-wiener1", () => SeparatorFactory.MidSide(new MidSideOptions(WienerIterations: 1)), "centre", "sides"),
    ("hpss", () => SeparatorFactory.Hpss(), "harmonic", "percussive"),
    ("htdemucs", HtDemucs, "vocals", "accompaniment"),
};

if (which == "segments")
{
    AudioMix.Separation.Eval.SegmentationEval.Run(dev, only);
    return 0;
}

if (which is "music" or "all")
{
    var clips = Directory.GetDirectories(Path.Combine(dev, "music")).Order(StringComparer.Ordinal).ToArray();
    var loaded = clips.Select(dir =>
    {
        var mix = AudioFile.Read(Path.Combine(dir, "mix.wav"));
        var drums = AudioFile.Read(Path.Combine(dir, "stems", "drums.flac"));
        var bass = AudioFile.Read(Path.Combine(dir, "stems", "bass.flac"));
        var harmonic = AudioFile.Read(Path.Combine(dir, "stems", "harmonic.flac"));
        return (Name: Path.GetFileName(dir), Mix: mix, Refs: new[] { drums, Sum(bass, harmonic) }, Bass: bass, Harmonic: harmonic);
    }).ToArray();
    // A four-stem model is also scored stem by stem: its bass against the true bass, its other + vocals against the
    // chords + melody (the dev songs have no singer: a lead melody may land in either).
    var perStem = loaded.Select(c => (c.Name, c.Mix, Refs: new[] { c.Bass, c.Harmonic })).ToArray();
    var drumsAndRest = loaded.Select(c => (c.Name, c.Mix, c.Refs)).ToArray();
    Console.WriteLine($"music clips: {loaded.Length}  (drums | rest; SI-SDR then SDR, dB; RTF = audio s / wall s)");
    Report("mixture as estimate", loaded.Select(c => (IReadOnlyList<AudioBuffer>)[c.Mix, c.Mix]).ToArray(), drumsAndRest, 0);
    if (Wanted("oracle"))
    {
        var sw = Stopwatch.StartNew();
        var est = loaded.Select(c => IdealRatioMask.Separate(c.Mix, c.Refs)).ToArray();
        Report("oracle IRM 4096/1024", est, drumsAndRest, sw.Elapsed.TotalSeconds);
        var oracleBass = perStem.Select(c => IdealRatioMask.Separate(c.Mix, [c.Refs[0], c.Refs[1], loaded.First(l => l.Name == c.Name).Refs[0]]).Take(2).ToArray()).Select(e => (IReadOnlyList<AudioBuffer>)e).ToArray();
        Report("oracle IRM: bass | harm.", oracleBass, perStem, 0);
    }

    foreach (var v in musicVariants.Where(v => Wanted(v.Name)))
    {
        using var separator = v.Make();
        var sw = Stopwatch.StartNew();
        var separated = loaded.Select(c => separator.Separate(c.Mix)).ToArray();
        var seconds = sw.Elapsed.TotalSeconds;
        var est = separated.Select(stems => (IReadOnlyList<AudioBuffer>)[stems[v.Drums], v.Others.Split('+').Select(n => stems[n]).Aggregate(Sum)]).ToArray();
        Report(v.Name, est, drumsAndRest, seconds);
        if (separated[0].ContainsKey("bass"))
        {
            Report(v.Name + ": bass | harm.", separated.Select(stems => (IReadOnlyList<AudioBuffer>)[stems["bass"], Sum(stems["other"], stems["vocals"])]).ToArray(), perStem, 0);
        }
    }
}

if (which is "vocal" or "all")
{
    var clips = Directory.GetDirectories(Path.Combine(dev, "vocal")).Order(StringComparer.Ordinal).ToArray();
    var loaded = clips.Select(dir => (
        Name: Path.GetFileName(dir),
        Mix: AudioFile.Read(Path.Combine(dir, "mix.wav")),
        Refs: new[] { AudioFile.Read(Path.Combine(dir, "stems", "vocals.flac")), AudioFile.Read(Path.Combine(dir, "stems", "accompaniment.flac")) })).ToArray();
    Console.WriteLine($"vocal clips: {loaded.Length}  (vocals | accompaniment)");
    Report("mixture as estimate", loaded.Select(c => (IReadOnlyList<AudioBuffer>)[c.Mix, c.Mix]).ToArray(), loaded, 0);
    if (Wanted("oracle"))
    {
        var sw = Stopwatch.StartNew();
        var est = loaded.Select(c => IdealRatioMask.Separate(c.Mix, c.Refs)).ToArray();
        Report("oracle IRM 4096/1024", est, loaded, sw.Elapsed.TotalSeconds);
    }

    foreach (var v in vocalVariants.Where(v => Wanted(v.Name)))
    {
        using var separator = v.Make();
        var sw = Stopwatch.StartNew();
        var est = loaded.Select(c =>
        {
            var stems = separator.Separate(c.Mix);
            return (IReadOnlyList<AudioBuffer>)[stems[v.Vocals], stems[v.Accompaniment]];
        }).ToArray();
        Report(v.Name, est, loaded, sw.Elapsed.TotalSeconds);
    }
}

return 0;

static void Report(string name, IReadOnlyList<AudioBuffer>[] estimates, (string Name, AudioBuffer Mix, AudioBuffer[] Refs)[] clips, double seconds)
{
    var si = new double[2];
    var sdr = new double[2];
    for (var i = 0; i < clips.Length; i++)
    {
        for (var j = 0; j < 2; j++)
        {
            si[j] += SeparationMetrics.SiSdr(estimates[i][j], clips[i].Refs[j]) / clips.Length;
            sdr[j] += SeparationMetrics.Sdr(estimates[i][j], clips[i].Refs[j]) / clips.Length;
        }
    }

    if (Environment.GetEnvironmentVariable("EVAL_PER_CLIP") == "1")
    {
        Console.WriteLine("  per clip: " + string.Join(" ", clips.Select((c, i) => string.Create(CultureInfo.InvariantCulture,
            $"{c.Name}:{SeparationMetrics.SiSdr(estimates[i][0], c.Refs[0]):0.0}/{SeparationMetrics.SiSdr(estimates[i][1], c.Refs[1]):0.0}"))));
    }

    var audio = clips.Sum(c => c.Mix.Duration);
    var rtf = seconds > 0 ? (audio / seconds).ToString("0.0", CultureInfo.InvariantCulture) : "-";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name,-22} | {si[0],6:0.00} | {si[1],6:0.00} | {sdr[0],6:0.00} | {sdr[1],6:0.00} | {rtf,6} |"));
}

static AudioBuffer Sum(AudioBuffer a, AudioBuffer b)
{
    var result = a.Clone();
    for (var c = 0; c < a.ChannelCount; c++)
    {
        for (var i = 0; i < a.Frames; i++)
        {
            result.Channels[c][i] += b.Channels[c][i];
        }
    }

    return result;
}
