using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Operations;
using AudioMix.Web.Services;

namespace AudioMix.Web.UiTests.Components;

public sealed class ServiceHelpersTests
{
    [Fact]
    public void Recipe_writes_only_the_parameters_that_differ_from_their_defaults()
    {
        var form = new OperationForm(MixupOperation.Schema);
        var recipe = new JobRecipe { DatasetId = "d", Parameters = form, Seed = 9, SampleFormat = "float32", SampleRate = 16000 };
        Assert.Equal("{}", recipe.ToSpec().Operations[0].ParametersJson);

        form.SetNumber("alpha", 0.2);
        form.SetNumber("count", 5);
        form.SetText("length", "longest");
        form.SetNumber("targetLufs", -23);
        var spec = recipe.ToSpec();

        Assert.Equal("""{"alpha":0.2,"count":5,"length":"longest","targetLufs":-23}""", spec.Operations[0].ParametersJson);
        Assert.Equal("mixup", spec.Operations[0].Op);
        Assert.Equal(new OutputSpec("float32", 16000), spec.Output);
        Assert.Equal(9, spec.Seed);
        Assert.Throws<ArgumentException>(() => new JobRecipe { Parameters = form }.ToSpec());
        Assert.Throws<ArgumentException>(() => new JobRecipe { DatasetId = "d" }.ToSpec());
    }

    [Fact]
    public void Operation_form_checks_ranges_whole_numbers_and_applies_method_specific_parameters()
    {
        var form = new OperationForm(SeparateOperation.Schema);
        var margin = SeparateOperation.Schema.Parameters.Single(p => p.Name == "margin");
        var fftSize = SeparateOperation.Schema.Parameters.Single(p => p.Name == "fftSize");

        Assert.Equal("hpss", form.GetText("method"));
        Assert.Contains(margin, form.Visible);
        Assert.Null(form.GetNumber("fftSize"));
        form.SetNumber("margin", 11);
        Assert.Equal("margin must be between 1 and 10.", form.Error(margin));
        Assert.False(form.IsValid);
        Assert.Throws<ArgumentException>(() => new JobRecipe { DatasetId = "d", Parameters = form }.ToSpec());
        form.SetNumber("fftSize", 1024.5);
        Assert.Equal("fftSize must be a whole number.", form.Error(fftSize));
        form.SetNumber("fftSize", 1024);

        // margin is hpss's own: with repet-sim it is neither shown, checked nor sent.
        form.SetText("method", "repet-sim");
        Assert.DoesNotContain(margin, form.Visible);
        Assert.True(form.IsValid);
        Assert.Equal("""{"method":"repet-sim","fftSize":1024}""", form.ToJson());
    }

    [Fact]
    public void Helper_text_gives_the_range_and_for_count_the_datasets_size()
    {
        var count = MixupOperation.Schema.Parameters.Single(p => p.Name == "count");
        var alpha = MixupOperation.Schema.Parameters.Single(p => p.Name == "alpha");

        Assert.Equal("Outputs to make (default: one per item — 10 items) · between 1 and 1000000", OperationForm.HelperText(count, 10));
        Assert.StartsWith("Outputs to make (default: one per item) ·", OperationForm.HelperText(count, null), StringComparison.Ordinal);
        Assert.EndsWith("· between 0.001 and 1000", OperationForm.HelperText(alpha, 10), StringComparison.Ordinal);
        Assert.Equal(0.1, OperationForm.Step(alpha), 9);
        Assert.Equal(1, OperationForm.Step(count));
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
    public void Provenance_names_the_learned_model_and_its_licence_and_nothing_for_weight_free_methods()
    {
        Assert.Equal(("htdemucs", "research-only"), Provenance.LearnedModel("""{"method":"htdemucs","model":{"name":"htdemucs","sha256":"da9e","license":"research-only"}}"""));
        Assert.Null(Provenance.LearnedModel("""{"method":"hpss","parameters":{}}"""));
        Assert.Null(Provenance.LearnedModel("not json"));
        Assert.Null(Provenance.LearnedModel(null));
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
