using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Components.Shared;
using AudioMix.Web.UiTests.Infrastructure;
using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using MudBlazor.Extensions;

namespace AudioMix.Web.UiTests.Components;

/// <summary>The job form generated from the registry's schemas (the ops' own static descriptors, see <see cref="FakeJobService"/>).</summary>
public sealed class JobRecipeFormTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();
    private readonly List<JobStatus> _started = [];

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private IRenderedComponent<JobRecipeForm> Render() =>
        _ctx.Render<JobRecipeForm>(p => p
            .Add(x => x.Datasets, [new DatasetSummary("ds1", "Dogs and cats", DatasetKind.Sound, 10, 30, DateTimeOffset.UnixEpoch)])
            .Add(x => x.OnStarted, s => _started.Add(s)));

    private static IElement Input(IRenderedComponent<JobRecipeForm> cut, string name) =>
        cut.Find($"input[data-testid=param-{name}], [data-testid=param-{name}] input");

    private static bool Has(IRenderedComponent<JobRecipeForm> cut, string name) => cut.FindAll($"[data-testid=param-{name}]").Count > 0;

    private static bool StartDisabled(IRenderedComponent<JobRecipeForm> cut) => cut.Find("[data-testid=start-job]").HasAttribute("disabled");

    private static Task Choose(IRenderedComponent<JobRecipeForm> cut, string label, string value)
    {
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);
        return cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    [Fact]
    public async Task Every_op_gets_a_typed_field_per_applicable_parameter_prefilled_with_its_default()
    {
        var cut = Render();

        foreach (var op in _ctx.JobService.Operations)
        {
            await Choose(cut, "Operation", op.Name);
            foreach (var p in op.Parameters)
            {
                var applies = p.AppliesWhen is not { } when || when.Values.Contains(DefaultText(op, when.Parameter));
                Assert.True(applies == Has(cut, p.Name), $"{op.Name}.{p.Name}: shown {Has(cut, p.Name)}, applies {applies}");
                if (!applies)
                {
                    continue;
                }

                var numbers = cut.FindComponents<MudNumericField<double?>>().Where(f => f.Instance.Label == p.Name).ToList();
                var selects = cut.FindComponents<MudSelect<string>>().Where(f => f.Instance.Label == p.Name).ToList();
                var switches = cut.FindComponents<MudSwitch<bool>>().Where(f => f.Instance.Label == p.Name).ToList();
                var texts = cut.FindComponents<MudTextField<string>>().Where(f => f.Instance.Label == p.Name).ToList();
                switch (p.Type)
                {
                    case ParameterType.Number or ParameterType.Integer:
                        Assert.Equal(p.DefaultJson is null ? (double?)null : double.Parse(p.DefaultJson, System.Globalization.CultureInfo.InvariantCulture),
                            Assert.Single(numbers).Instance.GetState(x => x.Value));
                        break;
                    case ParameterType.Choice:
                        Assert.Equal(p.DefaultJson?.Trim('"'), Assert.Single(selects).Instance.GetState(x => x.Value));
                        break;
                    case ParameterType.Boolean:
                        Assert.Equal(p.DefaultJson == "true", Assert.Single(switches).Instance.GetState(x => x.Value));
                        break;
                    default:
                        Assert.Null(Assert.Single(texts).Instance.GetState(x => x.Value));
                        break;
                }

                Assert.Contains(AudioMix.Web.Services.OperationForm.HelperText(p, 10).Replace("&", "&amp;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal), cut.Markup, StringComparison.Ordinal);
            }

            Assert.False(StartDisabled(cut), op.Name);
            Assert.Contains("parameters sent: {}", cut.Find("[data-testid=job-params-json]").TextContent, StringComparison.Ordinal);
        }
    }

    private static string? DefaultText(OperationDescriptor op, string name) => op.Parameters.Single(p => p.Name == name).DefaultJson?.Trim('"');

    [Fact]
    public void A_value_out_of_range_disables_start_and_says_why()
    {
        var cut = Render();
        Assert.False(StartDisabled(cut));

        Input(cut, "alpha").Input("5000");

        cut.WaitForAssertion(() => Assert.True(StartDisabled(cut)));
        Assert.Contains("alpha must be between 0.001 and 1000.", cut.Markup, StringComparison.Ordinal);

        Input(cut, "alpha").Input("0.5");
        cut.WaitForAssertion(() => Assert.False(StartDisabled(cut)));
        Assert.DoesNotContain("alpha must be between", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_hint_names_the_chosen_datasets_size()
    {
        var cut = Render();

        Assert.Contains("Outputs to make (default: one per item — 10 items)", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Input(cut, "count").GetAttribute("value") ?? string.Empty);
    }

    [Fact]
    public async Task Method_specific_parameters_follow_the_chosen_method_and_start_sends_only_changed_values()
    {
        var cut = Render();
        await Choose(cut, "Operation", "separate");
        Assert.True(Has(cut, "margin"));
        Assert.False(Has(cut, "shortWindowSeconds"));

        await Choose(cut, "method", "two-stage-hpss");

        Assert.False(Has(cut, "margin"));
        Assert.True(Has(cut, "shortWindowSeconds"));
        Assert.True(Has(cut, "centreStereo"));
        Input(cut, "shortWindowSeconds").Input("0.03");
        cut.Find("[data-testid=start-job]").Click();

        cut.WaitForAssertion(() => Assert.Single(_started));
        var op = Assert.Single(Assert.Single(_ctx.JobService.Started).Operations);
        Assert.Equal("separate", op.Op);
        Assert.Equal("""{"method":"two-stage-hpss","shortWindowSeconds":0.03}""", op.ParametersJson);
    }

    [Fact]
    public void Start_with_the_defaults_sends_an_empty_parameter_object()
    {
        var cut = Render();
        Input(cut, "count").Input("5");

        cut.Find("[data-testid=start-job]").Click();

        cut.WaitForAssertion(() => Assert.Single(_started));
        var spec = Assert.Single(_ctx.JobService.Started);
        Assert.Equal(new OperationSpec("mixup", """{"count":5}"""), Assert.Single(spec.Operations));
    }

    [Fact]
    public void The_form_asks_the_preflight_as_values_change_and_an_impossible_count_disables_start_with_the_capacity()
    {
        // The fake preflight refuses counts above 20, as the server would for a dataset that can supply 20.
        _ctx.JobService.Validate = spec =>
        {
            var count = System.Text.Json.JsonDocument.Parse(spec.Operations[0].ParametersJson).RootElement.TryGetProperty("count", out var c) ? c.GetInt64() : (long?)null;
            var step = new StepCapacity(0, spec.Operations[0].Op, count, 20, 10, "10 items, each in at most maxUses 4 mixes", count > 20 ? "count too high: at most 20" : null);
            return new JobValidation(step.Problem is { } p ? [p] : [], [step]);
        };
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Contains("can supply 20", cut.Find("[data-testid=job-capacity]").TextContent, StringComparison.Ordinal));
        Assert.Contains("count left out makes 10", cut.Find("[data-testid=job-capacity]").TextContent, StringComparison.Ordinal);

        Input(cut, "count").Input("50");

        cut.WaitForAssertion(() => Assert.Contains("at most 20", cut.Find("[data-testid=job-validation]").TextContent, StringComparison.Ordinal));
        Assert.True(StartDisabled(cut));
        Assert.Contains(_ctx.JobService.Validated, v => v.Operations[0].ParametersJson == """{"count":50}""");

        Input(cut, "count").Input("20");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=job-validation]")));
        Assert.False(StartDisabled(cut));
    }
}
