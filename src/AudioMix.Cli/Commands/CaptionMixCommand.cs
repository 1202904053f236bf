using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Captions.Merging;
using AudioMix.Captions.Mixing;
using AudioMix.Captions.Pairing;

namespace AudioMix.Cli.Commands;

/// <summary>
/// <c>audiomix caption-mix DIR --out OUT --count N --seed S [--mode wu|audiogen] [--llm-endpoint URL --llm-model M]</c>:
/// caption mix-up (Wu et al. 2023) on a local audiofolder (audio files plus <c>metadata.jsonl</c> with <c>file_name</c>
/// and <c>caption</c>), writing the mixes and <c>OUT/metadata.jsonl</c> (<c>file_name</c>, <c>caption</c>, <c>sources</c>).
/// </summary>
internal static class CaptionMixCommand
{
    /// <summary>Environment variable read for the LLM key when <c>--llm-api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "AUDIOMIX_LLM_API_KEY";

    public static Command Create(CliConsole console)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "Audiofolder: audio files and a metadata.jsonl with file_name and caption per clip." };
        dir.AcceptExistingOnly();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the mixes and their metadata.jsonl (must differ from DIR).", Required = true };
        var count = new Option<int>("--count") { Description = "Number of mixes.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same pairs, gains and offsets.", DefaultValueFactory = _ => 0 };
        var mode = new Option<string>("--mode") { Description = "wu (energy ratio ±5 dB, default) or audiogen (−25 dBFS clips, SNR −5…4 dB).", DefaultValueFactory = _ => "wu" };
        mode.AcceptOnlyFromAmong("wu", "audiogen");
        var rate = new Option<int>("--sample-rate") { Description = "Output rate in Hz.", DefaultValueFactory = _ => 16_000 };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Longest output in seconds.", DefaultValueFactory = _ => 30 };
        var similarity = new Option<double>("--similarity") { Description = "Skip pairs whose captions are more similar than this (TF-IDF cosine).", DefaultValueFactory = _ => 0.8 };
        var maxUses = new Option<int>("--max-uses") { Description = "Most mixes any one clip may appear in.", DefaultValueFactory = _ => 4 };
        var labelDisjoint = new Option<bool>("--label-disjoint") { Description = "Never pair clips sharing a label (metadata 'label' or 'labels')." };
        var variants = new Option<int>("--variants") { Description = "Merged captions per mix (the first is 'caption', all are kept in 'captions').", DefaultValueFactory = _ => 3 };
        var endpoint = new Option<string?>("--llm-endpoint") { Description = "OpenAI-compatible base URL (e.g. https://api.openai.com/v1); without it the built-in merger is used." };
        var model = new Option<string?>("--llm-model") { Description = "Model name for --llm-endpoint." };
        var key = new Option<string?>("--llm-api-key") { Description = $"Key for --llm-endpoint (default: the {ApiKeyVariable} environment variable)." };
        var timeout = new Option<double>("--llm-timeout") { Description = "Seconds per LLM request.", DefaultValueFactory = _ => 30 };

        var command = new Command("caption-mix", "Caption mix-up for audio captioning: mix pairs of clips and merge their captions.")
        {
            dir, output, count, seed, mode, rate, maxSeconds, similarity, maxUses, labelDisjoint, variants, endpoint, model, key, timeout,
        };
        command.SetAction((parse, cancellationToken) => console.RunAsync(async () =>
        {
            var settings = new Settings(
                parse.GetValue(dir)!.FullName,
                parse.GetValue(output)!.FullName,
                new CaptionMixPlanOptions
                {
                    Count = parse.GetValue(count),
                    SimilarityThreshold = parse.GetValue(similarity),
                    MaxUsesPerItem = parse.GetValue(maxUses),
                    LabelDisjoint = parse.GetValue(labelDisjoint),
                },
                new CaptionMixOptions
                {
                    Mode = parse.GetValue(mode) == "audiogen" ? CaptionMixMode.AudioGen : CaptionMixMode.Wu,
                    SampleRate = parse.GetValue(rate),
                    MaxSeconds = parse.GetValue(maxSeconds),
                },
                parse.GetValue(seed),
                parse.GetValue(variants));
            LlmCaptionMergerOptions? llm = null;
            if (parse.GetValue(endpoint) is { } url)
            {
                llm = new LlmCaptionMergerOptions
                {
                    Endpoint = url,
                    Model = parse.GetValue(model),
                    ApiKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable(ApiKeyVariable),
                    TimeoutSeconds = parse.GetValue(timeout),
                    Variants = settings.Variants,
                };
            }
            else if (parse.GetValue(model) is not null)
            {
                throw new ArgumentException("--llm-model needs --llm-endpoint.");
            }

            try
            {
                return await RunAsync(console, settings, llm, cancellationToken).ConfigureAwait(false);
            }
            catch (AudioFormatException ex)
            {
                console.Error.WriteLine($"error: {ex.Message}");
                return CliConsole.InputError;
            }
        }));
        return command;
    }

    internal sealed record Settings(string Input, string Output, CaptionMixPlanOptions Plan, CaptionMixOptions Mix, long Seed, int Variants);

    internal sealed record Clip(string FileName, string Path, string Caption, IReadOnlyList<string> Labels);

    internal static async Task<int> RunAsync(CliConsole console, Settings settings, LlmCaptionMergerOptions? llm, CancellationToken cancellationToken)
    {
        if (settings.Variants is < 1 or > 10)
        {
            throw new ArgumentException($"--variants must be in 1..10 (got {settings.Variants}).");
        }

        settings.Mix.Validate();
        var input = Path.GetFullPath(settings.Input);
        var output = Path.GetFullPath(settings.Output);
        if (string.Equals(input.TrimEnd(Path.DirectorySeparatorChar), output.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new ArgumentException("--out must be a different folder from DIR (inputs are never overwritten).");
        }

        var clips = ReadAudioFolder(input);
        var pairs = CaptionMixPlanner.Plan(clips.Select(c => new CaptionedClip(c.FileName, c.Caption, c.Labels)).ToArray(), settings.Plan, settings.Seed);
        var inputPaths = clips.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        Directory.CreateDirectory(output);

        using var llmMerger = llm is null ? null : LlmCaptionMerger.Create(llm);
        var builtIn = new BuiltInCaptionMerger();
        ICaptionMerger merger = llmMerger is null ? builtIn : llmMerger;
        var cache = new Dictionary<string, AudioBuffer>(StringComparer.Ordinal);
        var metadata = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var fallbacks = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pair = pairs[i];
            var first = clips[pair.First];
            var second = clips[pair.Second];
            var mix = CaptionAudioMixer.Mix(Load(first), Load(second), settings.Mix, pair.Seed);
            var fileName = $"mix_{i.ToString("D6", CultureInfo.InvariantCulture)}.wav";
            var target = Path.Combine(output, fileName);
            if (inputPaths.Contains(target))
            {
                throw new ArgumentException($"{target} is an input file; choose another --out.");
            }

            AudioFile.Write(target, mix.Audio, WavSampleFormat.Pcm16);

            var request = new CaptionMergeRequest(first.Caption, second.Caption, settings.Variants, pair.Seed);
            var merged = await merger.MergeAsync(request, cancellationToken).ConfigureAwait(false);
            string? fallback = null;
            if (merged.Captions.Count == 0)
            {
                fallbacks++;
                fallback = builtIn.Name;
                merged = (await builtIn.MergeAsync(request, cancellationToken).ConfigureAwait(false)) with { Rejected = merged.Rejected };
            }

            var line = new JsonObject
            {
                ["file_name"] = fileName,
                ["caption"] = merged.Captions[0],
                ["sources"] = new JsonArray(first.Caption, second.Caption),
                ["captions"] = new JsonArray(merged.Captions.Select(c => (JsonNode?)c).ToArray()),
                ["provenance"] = new JsonObject
                {
                    ["seed"] = settings.Seed,
                    ["mixSeed"] = pair.Seed,
                    ["mode"] = settings.Mix.Mode == CaptionMixMode.Wu ? "wu" : "audiogen",
                    ["files"] = new JsonArray(first.FileName, second.FileName),
                    ["similarity"] = Math.Round(pair.Similarity, 6),
                    ["gains"] = new JsonArray(Math.Round(mix.FirstGainDb, 3), Math.Round(mix.SecondGainDb, 3)),
                    ["offsets"] = new JsonArray(Math.Round(mix.FirstOffsetSeconds, 6), Math.Round(mix.SecondOffsetSeconds, 6)),
                    [settings.Mix.Mode == CaptionMixMode.Wu ? "energyRatioDb" : "snrDb"] = Math.Round(mix.RatioDb, 3),
                    ["mixLevelDbfs"] = mix.MixLevelDbfs,
                    ["peakGuardDb"] = Math.Round(mix.PeakGuardDb, 3),
                    ["merger"] = merged.Merger,
                    ["fallback"] = fallback,
                    ["rejected"] = new JsonArray(merged.Rejected.Select(r => (JsonNode?)new JsonObject { ["reply"] = r.Reply, ["reason"] = r.Reason }).ToArray()),
                },
            };
            metadata.Append(line.ToJsonString()).Append('\n');
        }

        await File.WriteAllTextAsync(Path.Combine(output, "metadata.jsonl"), metadata.ToString(), cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {pairs.Count} mixes and metadata.jsonl to {output} ({merger.Name} merger, {seconds:0.00} s, {pairs.Count / Math.Max(seconds, 1e-9):0.0} mixes/s)"));
        if (fallbacks > 0)
        {
            console.Error.WriteLine($"warning: {fallbacks} mixes got built-in captions because every LLM reply was rejected (see provenance.rejected)");
        }

        return 0;

        AudioBuffer Load(Clip clip)
        {
            if (!cache.TryGetValue(clip.Path, out var audio))
            {
                try
                {
                    audio = AudioFile.Read(clip.Path);
                }
                catch (AudioFormatException ex) when (!ex.Message.Contains(clip.FileName, StringComparison.Ordinal))
                {
                    throw new AudioFormatException($"{clip.FileName} cannot be read: {ex.Message}", ex);
                }

                cache[clip.Path] = audio;
            }

            return audio;
        }
    }

    /// <summary>Reads DIR/metadata.jsonl: one JSON object per line with file_name and a non-empty caption (optional label/labels).</summary>
    internal static IReadOnlyList<Clip> ReadAudioFolder(string folder)
    {
        var path = Path.Combine(folder, "metadata.jsonl");
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path} is missing: an audiofolder needs a metadata.jsonl with one {{\"file_name\": ..., \"caption\": ...}} object per line.");
        }

        var clips = new List<Clip>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"metadata.jsonl line {lineNumber} is not valid JSON: {ex.Message}", ex);
            }

            if (node is not JsonObject row || row["file_name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var fileName) || string.IsNullOrWhiteSpace(fileName))
            {
                throw new ArgumentException($"metadata.jsonl line {lineNumber} needs a \"file_name\" string.");
            }

            var caption = row["caption"] is JsonValue captionValue && captionValue.TryGetValue<string>(out var text) ? text : null;
            if (string.IsNullOrWhiteSpace(caption))
            {
                throw new ArgumentException($"metadata.jsonl line {lineNumber} ({fileName}) needs a non-empty \"caption\" string.");
            }

            var full = Path.GetFullPath(Path.Combine(folder, fileName));
            if (!full.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ArgumentException($"metadata.jsonl line {lineNumber}: file_name '{fileName}' points outside {folder}.");
            }

            if (!File.Exists(full))
            {
                throw new ArgumentException($"metadata.jsonl line {lineNumber}: {fileName} does not exist in {folder}.");
            }

            clips.Add(new Clip(fileName, full, caption, Labels(row)));
        }

        return clips;
    }

    private static string[] Labels(JsonObject row)
    {
        var node = row["labels"] ?? row["label"];
        return node switch
        {
            JsonArray array => array.Select(n => n?.ToString() ?? string.Empty).Where(s => s.Length > 0).ToArray(),
            JsonValue value when value.TryGetValue<string>(out var s) && s.Length > 0 => [s],
            _ => [],
        };
    }
}
