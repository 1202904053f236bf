using System.Text.Json.Nodes;
using AudioMix.Audio.Codecs;
using AudioMix.TestSupport;

namespace AudioMix.Cli.Tests;

/// <summary>`audiomix beat-mixup` on a folder of generated drum loops.</summary>
public sealed class BeatMixupCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-beatmix-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Input()
    {
        var input = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        double[] tempi = [120, 124, 100];
        for (var i = 0; i < tempi.Length; i++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(input, $"song{i}")).FullName;
            AudioFile.Write(Path.Combine(sub, "mix.wav"), DrumLoops.Make(tempi[i], 12, seed: 20 + i), WavSampleFormat.Pcm16);
            File.WriteAllText(Path.Combine(sub, "notes.txt"), "not audio");
        }

        return input;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static JsonObject[] Lines(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    [Fact]
    public async Task Mixes_compatible_files_writes_a_manifest_and_the_retracked_grids_agree()
    {
        var output = Path.Combine(_folder, "out");
        var (exit, stdout, error) = await RunAsync("beat-mixup", Input(), "--out", output, "--count", "2", "--seed", "4", "--length", "5", "--verify");

        Assert.True(exit == 0, error);
        var lines = Lines(Path.Combine(output, "manifest.jsonl"));
        Assert.Equal(2, lines.Length);
        Assert.Contains("2 pair(s) from 3 file(s)", stdout, StringComparison.Ordinal);
        foreach (var line in lines)
        {
            var audio = AudioFile.Read(Path.Combine(output, line["audio_filepath"]!.GetValue<string>()));
            Assert.Equal(5.0, audio.Duration, 2);
            Assert.Equal(5.0, line["duration"]!.GetValue<double>(), 2);
            string[] pair = [line["anchor"]!.GetValue<string>(), line["partner"]!.GetValue<string>()];
            Assert.DoesNotContain(Path.Combine("song2", "mix.wav"), pair); // 100 BPM has no partner within 6 %
            Assert.InRange(line["stretchRatio"]!.GetValue<double>(), 0.95, 1.05);
            Assert.True(line["measuredGridOffsetMs"]!.GetValue<double>() < 20, line.ToJsonString());
            Assert.Equal(2, line["gains"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task Pairs_only_writes_pairs_jsonl_and_no_audio_and_is_deterministic_by_seed()
    {
        var input = Input();
        var first = Path.Combine(_folder, "p1");
        var second = Path.Combine(_folder, "p2");
        Assert.Equal(0, (await RunAsync("beat-mixup", input, "--out", first, "--count", "2", "--seed", "8", "--pairs-only", "--bars", "2")).Exit);
        Assert.Equal(0, (await RunAsync("beat-mixup", input, "--out", second, "--count", "2", "--seed", "8", "--pairs-only", "--bars", "2")).Exit);

        Assert.False(Directory.Exists(Path.Combine(first, "mixes")));
        Assert.Equal(File.ReadAllText(Path.Combine(first, "pairs.jsonl")), File.ReadAllText(Path.Combine(second, "pairs.jsonl")));
        foreach (var line in Lines(Path.Combine(first, "pairs.jsonl")))
        {
            Assert.Null(line["audio_filepath"]);
            foreach (var field in new[] { "anchor", "partner", "lambda", "stretchRatio", "anchorDownbeat", "partnerCut", "length" })
            {
                Assert.True(line[field] is not null, $"pairs.jsonl lacks {field}");
            }

            Assert.Equal(8 * 60 / line["anchorTempo"]!.GetValue<double>(), line["length"]!.GetValue<double>(), 4);
        }
    }

    [Fact]
    public async Task A_folder_with_fewer_than_two_audio_files_or_bad_options_is_an_input_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        var (exit, _, error) = await RunAsync("beat-mixup", empty, "--out", Path.Combine(_folder, "o"));
        Assert.Equal(2, exit);
        Assert.Contains("at least two audio files", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("beat-mixup", Input(), "--out", Path.Combine(_folder, "o"), "--length", "3", "--bars", "2");
        Assert.Equal(2, exit);
        Assert.Contains("not both", error, StringComparison.Ordinal);
    }
}
