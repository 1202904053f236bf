using System.Text.Json;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs;

namespace AudioMix.Grains.Tests;

public sealed class ManifestWriterTests
{
    private static JobOutput Output(int index, IReadOnlyList<OutputAsset>? assets = null, ReviewState review = ReviewState.Pending, string? error = null) => new(
        index, "separate", error is null ? JobKeys.Output("j1", index) : null, 4.0, 16000, 1, null, null, null, "whole text",
        "{\"op\":\"separate\"}", error, review, assets, new Dictionary<string, double> { ["pm"] = 0.91234567, ["ps"] = double.NaN });

    [Fact]
    public void Units_with_audio_assets_get_a_line_per_asset_with_offsets_text_and_data_files()
    {
        var assets = new[]
        {
            new OutputAsset("seg000", JobKeys.Asset("j1", 3, "seg000", "wav"), "audio/wav", 1.5, 0.25, 1.75, "hello"),
            new OutputAsset("seg001", JobKeys.Asset("j1", 3, "seg001", "wav"), "audio/wav", 2.0, 4.0, 6.0),
            new OutputAsset("scores", JobKeys.Asset("j1", 3, "scores", "json"), "application/json", 0),
        };

        var lines = ManifestWriter.Build([Output(3, assets), Output(1), Output(2, review: ReviewState.Rejected), Output(4, error: "broken")])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

        Assert.Equal(3, lines.Length);
        Assert.Equal("outputs/000001.wav", lines[0].GetProperty("audio_filepath").GetString());
        Assert.Equal("whole text", lines[0].GetProperty("text").GetString());
        Assert.Equal("outputs/000003/seg000.wav", lines[1].GetProperty("audio_filepath").GetString());
        Assert.Equal("seg000", lines[1].GetProperty("asset").GetString());
        Assert.Equal(0.25, lines[1].GetProperty("offset").GetDouble());
        Assert.Equal(1.5, lines[1].GetProperty("duration").GetDouble());
        Assert.Equal("hello", lines[1].GetProperty("text").GetString());
        Assert.Equal("whole text", lines[2].GetProperty("text").GetString());
        Assert.Equal("outputs/000003/scores.json", lines[2].GetProperty("files").GetProperty("scores").GetString());
        Assert.Equal(0.912346, lines[2].GetProperty("metrics").GetProperty("pm").GetDouble());
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("metrics").GetProperty("ps").ValueKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData(".hidden")]
    [InlineData("a b")]
    public void Asset_names_that_could_escape_or_confuse_paths_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => JobKeys.Asset("j1", 0, name, "wav"));
}
