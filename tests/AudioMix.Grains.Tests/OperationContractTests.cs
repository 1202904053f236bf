using System.Text.Json;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Jobs.Sharding;
using AudioMix.Grains.Operations;
using AudioMix.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace AudioMix.Grains.Tests;

/// <summary>The typed operation contract: the registry's schemas, parsing as validation, typed plans on the wire.</summary>
[Collection(ClusterGroup.Name)]
public sealed class OperationContractTests(ClusterFixture fixture)
{
    private static readonly string[] AllOps = ["beat_sync_mixup", "caption_mix", "detect_speech", "mixup", "score", "segment_vocals", "separate"];

    private IServiceProvider Silo => ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider;

    private JobOperationRegistry Registry => Silo.GetRequiredService<JobOperationRegistry>();

    [Fact]
    public void Every_op_publishes_a_schema_whose_defaults_parse_to_the_defaults()
    {
        Assert.Equal(AllOps, Registry.Names);
        foreach (var descriptor in Registry.Descriptors)
        {
            var op = Registry.Get(descriptor.Name);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description));
            Assert.NotEmpty(descriptor.Parameters);
            Assert.Equal(descriptor.Parameters.Count, descriptor.Parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
            foreach (var p in descriptor.Parameters)
            {
                Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{descriptor.Name}.{p.Name}");
                switch (p.Type)
                {
                    case ParameterType.Number or ParameterType.Integer:
                        Assert.True(p.Min <= p.Max, $"{descriptor.Name}.{p.Name}");
                        if (p.DefaultJson is not null)
                        {
                            var d = double.Parse(p.DefaultJson, System.Globalization.CultureInfo.InvariantCulture);
                            Assert.InRange(d, p.Min!.Value, p.Max!.Value);
                        }

                        break;
                    case ParameterType.Choice:
                        Assert.Contains(JsonSerializer.Deserialize<string>(p.DefaultJson!), p.Choices!);
                        break;
                }

                if (p.AppliesWhen is { } when)
                {
                    Assert.Contains(descriptor.Parameters, q => q.Name == when.Parameter && q.Type == ParameterType.Choice);
                }
            }

            // The published defaults are the defaults: they parse to what "{}" parses to.
            Assert.Equal(op.Parse("{}", DatasetKind.Music), op.Parse(descriptor.DefaultParametersJson, DatasetKind.Music));
        }
    }

    [Fact]
    public void Every_published_parameter_is_accepted_and_its_range_enforced()
    {
        var op = Registry.Get("mixup");
        var alpha = op.Descriptor.Parameters.Single(p => p.Name == "alpha");
        var error = Assert.Throws<ArgumentException>(() => op.Parse($$"""{"alpha": {{alpha.Max!.Value * 2}}}""", DatasetKind.Sound));
        Assert.Equal("mixup: 'alpha' must be between 0.001 and 1000 (got 2000).", error.Message);
        Assert.Equal(new MixupParams(0.5, 3, "longest", -20), op.Parse("""{"alpha": 0.5, "count": 3, "length": "longest", "targetLufs": -20}""", DatasetKind.Sound));
    }

    [Fact]
    public async Task The_catalog_grain_answers_with_the_registry()
    {
        var listed = await fixture.Client.GetGrain<IOperationCatalogGrain>(0).ListAsync();

        Assert.Equal(AllOps, listed.Select(o => o.Name));
        Assert.Equal(Registry.Descriptors.Select(d => d.DefaultParametersJson), listed.Select(o => o.DefaultParametersJson));
        Assert.Equal(Registry.Descriptors.Select(d => d.Parameters.Count), listed.Select(o => o.Parameters.Count));
    }

    [Theory]
    [InlineData("separate", """{"method": "hpss", "margin": 2}""")]
    [InlineData("separate", """{"method": "repet-sim"}""")]
    [InlineData("separate", """{"method": "midside", "wienerIterations": 1}""")]
    [InlineData("segment_vocals", """{}""")]
    [InlineData("segment_vocals", """{"method": "hpss", "detector": "rms", "score": "share", "onset": 0.7}""")]
    public void Validating_a_separation_recipe_constructs_no_separator(string opName, string json)
    {
        var before = SeparatorSettings.CreatedOnThisThread;
        var parsed = Registry.Get(opName).Parse(json, DatasetKind.Music);
        Assert.Equal(before, SeparatorSettings.CreatedOnThisThread);

        var settings = parsed switch
        {
            SeparateParams s => s.Separator,
            SegmentVocalsParams v => v.Separator!,
            _ => throw new InvalidOperationException(),
        };
        using (settings.Create(Silo.GetRequiredService<SiloModels>()))
        {
            Assert.Equal(before + 1, SeparatorSettings.CreatedOnThisThread);
        }
    }

    [Fact]
    public void Invalid_separator_options_are_still_refused_at_submission()
    {
        // Checked by the options' own validation (what the separator's constructor runs first), without making one.
        var before = SeparatorSettings.CreatedOnThisThread;
        var error = Assert.Throws<ArgumentException>(() => Registry.Get("separate").Parse(
            """{"method": "two-stage-hpss", "longWindowSeconds": 0.04, "shortWindowSeconds": 0.05}""", DatasetKind.Music));
        Assert.StartsWith("two-stage-hpss: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, SeparatorSettings.CreatedOnThisThread);
    }

    [Fact]
    public void Typed_steps_and_plans_round_trip_through_the_shard_plan_serializer()
    {
        var serializer = Silo.GetRequiredService<Serializer<ShardPlan>>();
        var steps = new[]
        {
            new TypedStep("mixup", Registry.Get("mixup").Parse("""{"count": 4}""", DatasetKind.Sound)),
            new TypedStep("separate", Registry.Get("separate").Parse("""{"method": "repet-sim"}""", DatasetKind.Music)),
            new TypedStep("segment_vocals", Registry.Get("segment_vocals").Parse("{}", DatasetKind.Speech)),
            new TypedStep("caption_mix", Registry.Get("caption_mix").Parse("{}", DatasetKind.Sound)),
            new TypedStep("beat_sync_mixup", Registry.Get("beat_sync_mixup").Parse("""{"bars": 4}""", DatasetKind.Music)),
            new TypedStep("score", Registry.Get("score").Parse("""{"minPs": 0.5}""", DatasetKind.Music)),
        };
        UnitPlan[] plans =
        [
            new MixupPlan("a", "b", 0.25),
            new SeparationPlan("a"),
            new SeparationPlan("b"),
            new CaptionMixPlan("a", "b", 0.5, 99),
            new BeatSyncMixupPlan("a", "b", 0.5, 2, 0.01, 1.01, 120, 61, 0.5, 0.25, 0.3, 0.001, 10.24, null, 1.0),
            new ScorePlan("g", [new ScoreSource("vocals", "r", "e"), new ScoreSource("drums", "r2", "j/000001/drums", new JobStem("j", 1, "drums", "k"))], 7),
        ];
        var spec = new JobSpec("ds", 7, steps.Select(s => new OperationSpec(s.Op, "{}")).ToArray(), new OutputSpec());
        var plan = new ShardPlan("job", 0, spec, steps, plans.Select((p, i) => new PlannedUnit(i, i, steps[i].Op, p)).ToArray(), new Dictionary<int, IReadOnlyList<DatasetItem>>());

        var back = serializer.Deserialize(serializer.SerializeToArray(plan))!;

        Assert.Equal(steps, back.Steps);
        Assert.Equal(plans.Length, back.Units.Count);
        for (var i = 0; i < plans.Length; i++)
        {
            Assert.Equal(plans[i].GetType(), back.Units[i].Plan.GetType());
            Assert.Equal(UnitPlanJson.Describe(plans[i])!.ToJsonString(), UnitPlanJson.Describe(back.Units[i].Plan)!.ToJsonString());
            Assert.Equal(plans[i].Sources, back.Units[i].Sources);
        }

        Assert.Equal(["r", "e", "r2", "j/000001/drums"], back.Units[5].Sources);
    }
}
