using System.CommandLine;
using System.Globalization;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;

namespace AudioMix.Cli.Commands;

/// <summary><c>audiomix convert IN OUT [--rate R] [--mono] [--loudness LUFS]</c>.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Argument<FileInfo>("in") { Description = "Source audio file." };
        input.AcceptExistingOnly();
        var output = new Argument<FileInfo>("out") { Description = "Destination; the extension picks the format (.wav natively; .flac, .mp3, .ogg, .opus, .m4a through ffmpeg)." };
        var rate = new Option<int?>("--rate") { Description = "Resample to this rate in Hz (band-limited)." };
        var mono = new Option<bool>("--mono") { Description = "Downmix to mono." };
        var loudness = new Option<double?>("--loudness") { Description = "Normalise integrated loudness to this many LUFS (ITU-R BS.1770-4)." };
        var ceiling = new Option<double?>("--peak-ceiling") { Description = "With --loudness: lower the gain so the sample peak stays at or below this many dBFS." };
        var format = new Option<string>("--format") { Description = "WAV sample format: pcm16, pcm24, pcm32, float32.", DefaultValueFactory = _ => "pcm16" };
        format.AcceptOnlyFromAmong("pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64");

        var command = new Command("convert", "Convert an audio file: resample, downmix, normalise loudness.")
        {
            input, output, rate, mono, loudness, ceiling, format,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(console.Run(() =>
        {
            var options = new ConversionOptions
            {
                SampleRate = parse.GetValue(rate),
                Mono = parse.GetValue(mono),
                TargetLufs = parse.GetValue(loudness),
                PeakCeilingDbfs = parse.GetValue(ceiling),
                SampleFormat = ParseFormat(parse.GetValue(format)!),
            };
            var report = AudioConverter.Convert(parse.GetValue(input)!.FullName, parse.GetValue(output)!.FullName, options, cancellationToken);
            var inv = CultureInfo.InvariantCulture;
            console.Out.WriteLine(string.Create(inv, $"wrote {report.Output}: {report.Frames} frames, {report.Channels} ch, {report.SampleRate} Hz, {report.OutputLufs:0.00} LUFS, peak {report.OutputPeakDbfs:0.00} dBFS"));
            if (options.TargetLufs is not null)
            {
                console.Out.WriteLine(string.Create(inv, $"gain {report.GainDb:+0.00;-0.00} dB (source {report.SourceLufs:0.00} LUFS)"));
            }

            if (report.ClippedSamples > 0)
            {
                console.Error.WriteLine(string.Create(inv, $"warning: {report.ClippedSamples} samples clipped at full scale; use --peak-ceiling or --format float32"));
            }

            return 0;
        })));
        return command;
    }

    private static WavSampleFormat ParseFormat(string text) => text switch
    {
        "pcm8" => WavSampleFormat.Pcm8,
        "pcm16" => WavSampleFormat.Pcm16,
        "pcm24" => WavSampleFormat.Pcm24,
        "pcm32" => WavSampleFormat.Pcm32,
        "float32" => WavSampleFormat.Float32,
        "float64" => WavSampleFormat.Float64,
        _ => throw new ArgumentException($"Unknown sample format '{text}'."),
    };
}
