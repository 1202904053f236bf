using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Services;

namespace AudioMix.Web.UiTests.Components;

public sealed class ServiceHelpersTests
{
    [Fact]
    public void Mixup_recipe_writes_only_the_parameters_given()
    {
        var recipe = new JobRecipe { DatasetId = "d", Alpha = 0.2, Count = 5, Length = "longest", TargetLufs = -23, Seed = 9, SampleFormat = "float32", SampleRate = 16000 };

        var spec = recipe.ToSpec();

        Assert.Equal("""{"alpha":0.2,"length":"longest","count":5,"targetLufs":-23}""", spec.Operations[0].ParametersJson);
        Assert.Equal(new OutputSpec("float32", 16000), spec.Output);
        Assert.Equal(9, spec.Seed);
        Assert.Throws<ArgumentException>(() => new JobRecipe().ToSpec());
    }

    [Fact]
    public void Other_ops_send_their_json_parameters_and_bad_json_is_refused_by_message()
    {
        var recipe = new JobRecipe { DatasetId = "d", Op = "other", ParametersText = " { \"count\" : 3 } " };

        Assert.Equal("""{"count":3}""", recipe.ToSpec().Operations[0].ParametersJson);
        Assert.Equal("other", recipe.ToSpec().Operations[0].Op);
        Assert.Contains("JSON object", Assert.Throws<ArgumentException>(() => JobRecipe.ParseParameters("[1]")).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<ArgumentException>(() => JobRecipe.ParseParameters("{count: ")).Message, StringComparison.Ordinal);
        Assert.Equal("{}", JobRecipe.ParseParameters("  "));
    }

    [Fact]
    public void Provenance_sources_skip_entries_without_an_item_and_bad_json_gives_none()
    {
        var sources = Provenance.Sources("""{"sources":[{"item":"a","role":"anchor","weight":0.25},{"role":"x"},3]}""");

        var only = Assert.Single(sources);
        Assert.Equal(new ProvenanceSource("a", "anchor", null, 0.25, null), only);
        Assert.Empty(Provenance.Sources("not json"));
        Assert.Empty(Provenance.Sources("[1,2]"));
        Assert.Equal("not json", Provenance.Pretty("not json"));
    }

    [Fact]
    public void Upload_outcome_reads_non_json_errors_plainly()
    {
        var outcome = UploadOutcome.Parse(413, "Request body too large.");

        Assert.False(outcome.Succeeded);
        Assert.Equal("HTTP 413: Request body too large.", outcome.Error);
        Assert.Empty(outcome.Accepted);
    }

    [Theory]
    [InlineData(0.5, "0.5 s")]
    [InlineData(75, "1 min 15 s")]
    [InlineData(7322, "2 h 02 min")]
    public void Durations_read_naturally(double seconds, string expected) =>
        Assert.Equal(expected, DashboardFormat.Duration(seconds));
}
