using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AudioMix.Audio.Loudness;

namespace AudioMix.Audio.Tests.Loudness;

/// <summary>
/// Cross-checks <see cref="LoudnessMeter"/> against ffmpeg's <c>ebur128</c> filter (an independent
/// BS.1770 implementation) on generated signals. ffmpeg must be on PATH; the test fails without it.
/// </summary>
public sealed partial class FfmpegAgreementTests
{
    private const double ToleranceLu = 0.1;

    public static TheoryData<string> Cases() => [.. Signals.Keys];

    private static readonly Dictionary<string, Func<AudioBuffer>> Signals = new()
    {
        ["sine 1 kHz −20 dBFS mono 48k"] = () => new AudioBuffer(48000, [TestSignals.Sine(1000, 48000, 6, -20)]),
        ["sine 1 kHz −20 dBFS stereo 44.1k"] = () => Stereo(44100, TestSignals.Sine(1000, 44100, 6, -20)),
        ["sine 1 kHz −20 dBFS stereo 16k"] = () => Stereo(16000, TestSignals.Sine(1000, 16000, 6, -20)),
        ["pink noise stereo 48k"] = () => new AudioBuffer(48000, [TestSignals.PinkNoise(48000, 8, -24, 1), TestSignals.PinkNoise(48000, 8, -27, 2)]),
        ["pink noise stereo 44.1k"] = () => new AudioBuffer(44100, [TestSignals.PinkNoise(44100, 8, -18, 3), TestSignals.PinkNoise(44100, 8, -18, 4)]),
        ["pink noise mono 16k"] = () => new AudioBuffer(16000, [TestSignals.PinkNoise(16000, 8, -30, 5)]),
        ["gated: noise, silence, quiet and loud parts 48k"] = () => Stereo(48000, Gappy(48000)),
        ["gated: noise, silence, quiet and loud parts 44.1k"] = () => Stereo(44100, Gappy(44100)),
        ["gated: noise, silence, quiet and loud parts 16k mono"] = () => new AudioBuffer(16000, [Gappy(16000)]),
        ["5.1 with LFE and surrounds 48k"] = () => Surround(48000, 6),
        ["7.1 48k"] = () => Surround(48000, 8),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Integrated_loudness_agrees_with_ffmpeg_ebur128_within_0_1_LU(string name)
    {
        var buffer = Signals[name]();
        var ours = LoudnessMeter.Measure(buffer).IntegratedLufs;
        var theirs = FfmpegIntegratedLoudness(buffer);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: ours {ours:0.000} LUFS, ffmpeg {theirs:0.000} LUFS, diff {ours - theirs:+0.000;-0.000}");
        Assert.True(Math.Abs(ours - theirs) <= ToleranceLu, $"{name}: ours {ours:0.000} LUFS, ffmpeg {theirs:0.000} LUFS");
    }

    private static AudioBuffer Stereo(int rate, float[] x) => new(rate, [x, (float[])x.Clone()]);

    /// <summary>Loud noise, silence, a passage 20 dB down (relative-gated), a tone, more silence: exercises both gates.</summary>
    private static float[] Gappy(int rate) => TestSignals.Concat(
        TestSignals.PinkNoise(rate, 3, -20, 10),
        TestSignals.Silence(rate, 2),
        TestSignals.PinkNoise(rate, 3, -40, 11),
        TestSignals.Sine(440, rate, 2.55, -18),
        TestSignals.Silence(rate, 1.5),
        TestSignals.PinkNoise(rate, 1, -25, 12));

    private static AudioBuffer Surround(int rate, int channels)
    {
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            // Different level per channel; a loud LFE that must not count.
            data[c] = c == 3
                ? TestSignals.Sine(60, rate, 6, -6)
                : TestSignals.PinkNoise(rate, 6, -22 - (2 * c), 20 + c);
        }

        return new AudioBuffer(rate, data);
    }

    private static double FfmpegIntegratedLoudness(AudioBuffer buffer)
    {
        var raw = Path.GetTempFileName();
        var meta = Path.GetTempFileName();
        try
        {
            // Raw float32 little-endian interleaved, so the test depends on nothing but ffmpeg.
            var interleaved = buffer.ToInterleaved();
            var bytes = new byte[interleaved.Length * 4];
            for (var i = 0; i < interleaved.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), interleaved[i]);
            }

            File.WriteAllBytes(raw, bytes);

            // metadata=1 + ametadata prints the running integrated loudness with three decimals per
            // 100 ms frame (the Summary rounds to 0.1); its last value covers the whole input.
            var psi = new ProcessStartInfo("ffmpeg")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "-nostdin", "-hide_banner", "-f", "f32le",
                "-ar", buffer.SampleRate.ToString(CultureInfo.InvariantCulture),
                "-ac", buffer.ChannelCount.ToString(CultureInfo.InvariantCulture),
                "-i", raw,
                "-af", $"ebur128=framelog=quiet:metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={meta}",
                "-f", "null", "-",
            })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start ffmpeg");
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdoutTask.Result;
            Assert.True(process.ExitCode == 0, $"ffmpeg failed ({process.ExitCode}): {stderr}");

            var summary = SummaryRegex().Match(stderr);
            Assert.True(summary.Success, $"no integrated loudness in ffmpeg's summary: {stderr}");
            var rounded = double.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);

            var values = MetadataRegex().Matches(File.ReadAllText(meta));
            Assert.NotEmpty(values);
            var precise = double.Parse(values[^1].Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(precise - rounded) <= 0.051, $"ffmpeg's metadata ({precise}) and summary ({rounded}) disagree");
            return precise;
        }
        finally
        {
            File.Delete(raw);
            File.Delete(meta);
        }
    }

    [GeneratedRegex(@"Summary:.*?I:\s+(-?\d+(?:\.\d+)?) LUFS", RegexOptions.Singleline)]
    private static partial Regex SummaryRegex();

    [GeneratedRegex(@"lavfi\.r128\.I=(-?\d+(?:\.\d+)?)")]
    private static partial Regex MetadataRegex();
}
