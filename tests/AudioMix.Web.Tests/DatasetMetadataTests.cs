using System.Text.Json;
using AudioMix.Web.Services;

namespace AudioMix.Web.Tests;

public sealed class DatasetMetadataTests
{
    [Fact]
    public void JsonLines_keep_uninterpreted_fields_as_json_text()
    {
        var parsed = DatasetMetadata.Parse("metadata.jsonl",
            "{\"file_name\": \"./a.wav\", \"text\": \"hello there\", \"group\": \"s1\", \"segments\": [{\"start\": 0.5, \"end\": 1.25, \"text\": \"hello\"}], \"snr\": 3}\n" +
            "{\"file_name\": \"b.wav\", \"label\": \"dog\"}\n");

        var a = parsed["a.wav"];
        Assert.Equal("hello there", a.Text);
        Assert.NotNull(a.Metadata);
        Assert.Equal(["group", "segments", "snr"], a.Metadata.Keys);
        Assert.Equal("s1", JsonSerializer.Deserialize<string>(a.Metadata["group"]));
        Assert.Equal(1.25, JsonDocument.Parse(a.Metadata["segments"]).RootElement[0].GetProperty("end").GetDouble());
        Assert.Equal("3", a.Metadata["snr"]);
        Assert.Null(parsed["b.wav"].Metadata);
    }

    // Regression (found by fuzzing, targz target): a line that is valid JSON but not an object threw
    // InvalidOperationException out of the parser, so the upload answered 500 instead of naming the line.
    [Theory]
    [InlineData("5", "number")]
    [InlineData("[{\"file_name\": \"a.wav\"}]", "array")]
    [InlineData("\"a.wav\"", "string")]
    [InlineData("null", "null")]
    public void A_json_line_that_is_not_an_object_is_refused_naming_the_line(string line, string kind)
    {
        var ex = Assert.Throws<FormatException>(() => DatasetMetadata.Parse("metadata.jsonl", "{\"file_name\": \"ok.wav\"}\n" + line + "\n"));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(kind, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_keeps_other_columns_as_json_strings_and_skips_empty_cells()
    {
        var parsed = DatasetMetadata.Parse("metadata.csv", "file_name,label,role,group\nx.wav,dog,reference,\"g,1\"\ny.wav,cat,,\n");

        Assert.Equal("\"reference\"", parsed["x.wav"].Metadata!["role"]);
        Assert.Equal("g,1", JsonSerializer.Deserialize<string>(parsed["x.wav"].Metadata!["group"]));
        Assert.Null(parsed["y.wav"].Metadata);
    }
}
