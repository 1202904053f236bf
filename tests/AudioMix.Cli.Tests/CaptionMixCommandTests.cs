using System.Text.Json;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Captions.Tests.Infrastructure;

namespace AudioMix.Cli.Tests;

/// <summary>`audiomix caption-mix` on generated audiofolders.</summary>
public sealed class CaptionMixCommandTests : IDisposable
{
    private static readonly string[] Captions = ["A dog barks", "Rain falls on a roof", "A man speaks", "A bell rings", "A car engine idles"];

    private readonly string _root = Directory.CreateTempSubdirectory("audiomix-capmix-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string In => Path.Combine(_root, "in");

    private string Out => Path.Combine(_root, "out");

    private void WriteFolder(int clips = 5, string? metadata = null)
    {
        Directory.CreateDirectory(In);
        for (var i = 0; i < clips; i++)
        {
            var rate = i % 2 == 0 ? 16000 : 44100;
            var frames = (int)(rate * (0.3 + (0.1 * i)));
            var samples = new float[frames];
            for (var n = 0; n < frames; n++)
            {
                samples[n] = 0.2f * MathF.Sin(2 * MathF.PI * (200 + (100 * i)) * n / rate);
            }

            AudioFile.Write(Path.Combine(In, $"clip{i}.wav"), new AudioBuffer(rate, [samples]), WavSampleFormat.Pcm16);
        }

        metadata ??= string.Join('\n', Enumerable.Range(0, clips).Select(i => JsonSerializer.Serialize(new { file_name = $"clip{i}.wav", caption = Captions[i] }))) + "\n";
        File.WriteAllText(Path.Combine(In, "metadata.jsonl"), metadata);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AudioMixCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private JsonElement[] Metadata() =>
        File.ReadAllLines(Path.Combine(Out, "metadata.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    [Fact]
    public async Task Writes_mixes_and_metadata_with_file_name_caption_and_sources_deterministically()
    {
        WriteFolder();
        var inputs = Directory.GetFiles(In).ToDictionary(f => f, File.ReadAllBytes);
        var (exit, output, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "4", "--seed", "9");
        Assert.True(exit == 0, error);
        Assert.Contains("wrote 4 mixes", output, StringComparison.Ordinal);

        var rows = Metadata();
        Assert.Equal(4, rows.Length);
        foreach (var row in rows)
        {
            var file = Path.Combine(Out, row.GetProperty("file_name").GetString()!);
            var audio = AudioFile.Read(file);
            Assert.Equal(16000, audio.SampleRate);
            Assert.Equal(1, audio.ChannelCount);
            var sources = row.GetProperty("sources").EnumerateArray().Select(s => s.GetString()!).ToArray();
            Assert.Equal(2, sources.Length);
            Assert.NotEqual(sources[0], sources[1]);
            Assert.All(sources, s => Assert.Contains(s, Captions));
            var caption = row.GetProperty("caption").GetString()!;
            Assert.All(sources.SelectMany(s => s.ToLowerInvariant().Split(' ')).Where(w => w.Length > 3), w => Assert.Contains(w, caption.ToLowerInvariant(), StringComparison.Ordinal));
            Assert.Equal(2, row.GetProperty("provenance").GetProperty("gains").GetArrayLength());
        }

        // Inputs untouched; the same seed gives the same result.
        Assert.All(inputs, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
        var first = File.ReadAllText(Path.Combine(Out, "metadata.jsonl"));
        var firstWav = File.ReadAllBytes(Path.Combine(Out, "mix_000000.wav"));
        Assert.Equal(0, (await RunAsync("caption-mix", In, "--out", Out, "--count", "4", "--seed", "9", "--mode", "wu")).Exit);
        Assert.Equal(first, File.ReadAllText(Path.Combine(Out, "metadata.jsonl")));
        Assert.Equal(firstWav, File.ReadAllBytes(Path.Combine(Out, "mix_000000.wav")));
    }

    [Fact]
    public async Task The_llm_path_merges_through_the_configured_endpoint()
    {
        WriteFolder();
        await using var server = new FakeChatServer { Responder = FakeChatServer.JoinWithWhile };
        var (exit, output, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "3", "--seed", "1", "--mode", "audiogen",
            "--llm-endpoint", server.Endpoint, "--llm-model", "fake", "--llm-api-key", "k", "--variants", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("llm:fake merger", output, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(Metadata(), r => Assert.Contains(" while ", r.GetProperty("caption").GetString(), StringComparison.Ordinal));
        Assert.All(Metadata(), r => Assert.Equal("llm:fake", r.GetProperty("provenance").GetProperty("merger").GetString()));
    }

    [Fact]
    public async Task A_missing_metadata_file_is_a_clear_input_error()
    {
        Directory.CreateDirectory(In);
        var (exit, _, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "1");
        Assert.Equal(2, exit);
        Assert.Contains("metadata.jsonl is missing", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"file_name\": \"clip0.wav\", \"caption\": \"A dog barks\"}\n{not json\n", "line 2 is not valid JSON")]
    [InlineData("{\"caption\": \"A dog barks\"}\n", "line 1 needs a \"file_name\"")]
    [InlineData("{\"file_name\": \"clip0.wav\"}\n", "needs a non-empty \"caption\"")]
    [InlineData("{\"file_name\": \"nope.wav\", \"caption\": \"x\"}\n", "nope.wav does not exist")]
    [InlineData("{\"file_name\": \"../evil.wav\", \"caption\": \"x\"}\n", "points outside")]
    public async Task Malformed_metadata_is_reported_with_its_line(string metadata, string message)
    {
        WriteFolder(metadata: metadata);
        var (exit, _, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "1");
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_audio_is_named_and_nothing_is_overwritten()
    {
        WriteFolder(clips: 2);
        File.WriteAllText(Path.Combine(In, "clip1.wav"), "not audio at all");
        var (exit, _, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "1");
        Assert.Equal(2, exit);
        Assert.Contains("clip1.wav", error, StringComparison.Ordinal);
        Assert.Equal("not audio at all", File.ReadAllText(Path.Combine(In, "clip1.wav")));
    }

    [Fact]
    public async Task Output_into_the_input_folder_and_impossible_counts_are_refused()
    {
        WriteFolder(clips: 3);
        var (exit, _, error) = await RunAsync("caption-mix", In, "--out", In, "--count", "1");
        Assert.Equal(2, exit);
        Assert.Contains("--out must be a different folder", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("caption-mix", In, "--out", Out, "--count", "10", "--max-uses", "2");
        Assert.Equal(2, exit);
        Assert.Contains("at most 3 mixes", error, StringComparison.Ordinal);
    }
}
