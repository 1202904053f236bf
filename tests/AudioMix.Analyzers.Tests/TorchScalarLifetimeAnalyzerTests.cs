using System.Collections.Immutable;
using AudioMix.Audio.Torch;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchSharp;

namespace AudioMix.Analyzers.Tests;

/// <summary>AMX0001 on compiled snippets: the patterns that leave a TorchSharp Scalar unreachable, and their fixes.</summary>
public sealed class TorchScalarLifetimeAnalyzerTests
{
    [Theory]
    [InlineData("x * 0.5", "operator")]
    [InlineData("0.5 * x", "operator")]
    [InlineData("x + y", "operator")]
    [InlineData("x + 1e-6", "operator")]
    [InlineData("1 - x", "operator")]
    [InlineData("2.0 / x", "operator")]
    [InlineData("x.clamp_min(0)", "becomes a Scalar")]
    [InlineData("x.pow(2.0)", "becomes a Scalar")]
    [InlineData("x.add(y)", "Tensor.add")]
    [InlineData("torch.add(x, y)", "torch.add")]
    [InlineData("torch.arange(10)", "torch.arange")]
    [InlineData("torch.arange(0, 10)", "torch.arange")]
    [InlineData("torch.full(3, 1.5)", "becomes a Scalar")]
    [InlineData("x.lt(0.1)", "becomes a Scalar")]
    public async Task Flags_scalars_that_nothing_keeps_alive(string expression, string reason)
    {
        var diagnostics = await Analyze($"var r = {expression};");

        // arange(0, 10) is reported twice over (the overload and each implicit number); at least the named reason.
        Assert.Contains(diagnostics, d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId
            && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flags_compound_assignment_and_tensor_to_number_conversions()
    {
        var diagnostics = await Analyze("x += y; x -= 1.0; var d = x.sum().ToDouble();");

        Assert.Equal(3, diagnostics.Count(d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId));
    }

    [Theory]
    [InlineData("var r = x.Times(0.5);")]
    [InlineData("var r = x.Plus(y);")]
    [InlineData("var r = x.Plus(1e-6).AtLeast(0.0).Power(2);")]
    [InlineData("var r = x.SubtractedFrom(1);")]
    [InlineData("var r = x - y;")]
    [InlineData("var r = x * y / y;")]
    [InlineData("var r = KeptScalars.Range(10);")]
    [InlineData("using var s = 0.5.ToScalar(); var r = x.mul(s);")]
    [InlineData("using var s = 0.0.ToScalar(); using var e = 10.0.ToScalar(); using var one = 1.0.ToScalar(); var r = torch.arange(s, e, one);")]
    [InlineData("var d = x.sum().item<double>();")]
    [InlineData("var r = x.sqrt().exp().matmul(y);")]
    [InlineData("var r = x * x;")]
    [InlineData("var r = x.pow(y);")]
    public async Task Accepts_scalars_held_across_the_call(string statements)
    {
        var diagnostics = await Analyze(statements);

        Assert.DoesNotContain(diagnostics, d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
    }

    [Fact]
    public void The_list_of_scalar_creating_members_matches_the_referenced_TorchSharp()
    {
        // Re-read TorchSharp's IL: a TorchSharp upgrade that adds or removes such members must refresh the list
        // (src/AudioMix.Analyzers/TorchSharpScalarCreators.txt, one key per line, as printed below).
        var actual = ScalarCreatorScan.Creators(typeof(torch).Assembly);

        Assert.Contains("TorchSharp.torch+Tensor.square()", actual);
        Assert.Contains("TorchSharp.torch+Tensor.op_Addition(Tensor,Tensor)", actual);
        var missing = actual.Except(TorchScalarLifetimeAnalyzer.Creators).ToArray();
        var stale = TorchScalarLifetimeAnalyzer.Creators.Except(actual).ToArray();
        Assert.True(missing.Length == 0 && stale.Length == 0,
            $"missing from the list:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}{Environment.NewLine}no longer creators:{Environment.NewLine}{string.Join(Environment.NewLine, stale)}");
    }

    [Theory]
    [InlineData("var r = x.square();")]
    [InlineData("var d = x.sum().ToDouble();")]
    [InlineData("var n = torch.linalg.vector_norm(x);")]
    public async Task Flags_members_that_create_a_scalar_inside_TorchSharp(string statements)
    {
        var diagnostics = await Analyze(statements);

        Assert.Contains(diagnostics, d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
    }

    [Fact]
    public async Task TorchScript_calls_are_flagged_only_for_arguments_TorchSharp_converts()
    {
        const string module = "var m = torch.jit.load(\"m.pt\"); ";
        Assert.Contains(await Analyze(module + "long layer = 3; var r = m.invoke(\"forward\", x, layer);"), d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
        Assert.Contains(await Analyze(module + "var r = m.invoke(\"forward\", x, 0.5);"), d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
        Assert.DoesNotContain(await Analyze(module + "var r = m.invoke(\"forward\", x, 3);"), d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
        Assert.DoesNotContain(await Analyze(module + "using var layer = 3L.ToScalar(); var r = m.invoke(\"forward\", x, layer);"), d => d.Id == TorchScalarLifetimeAnalyzer.DiagnosticId);
    }

    [Fact]
    public async Task Leaves_code_without_TorchSharp_alone()
    {
        var tree = CSharpSyntaxTree.ParseText("static class C { static double F(double x) => (x * 0.5) + 1; }");
        var compilation = CSharpCompilation.Create("NoTorch", [tree], PlatformReferences(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers([new TorchScalarLifetimeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);

        Assert.Empty(diagnostics);
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string statements)
    {
        var source = $$"""
            using AudioMix.Audio.Torch;
            using TorchSharp;

            static class Snippet
            {
                static void Run(torch.Tensor x, torch.Tensor y)
                {
                    {{statements}}
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var references = PlatformReferences()
            .Add(MetadataReference.CreateFromFile(typeof(torch).Assembly.Location))
            .Add(MetadataReference.CreateFromFile(typeof(KeptScalars).Assembly.Location));
        var compilation = CSharpCompilation.Create("Snippet", [tree], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        // The snippet must compile: a typo would otherwise pass the "accepts" cases for the wrong reason.
        var errors = compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));

        return await compilation.WithAnalyzers([new TorchScalarLifetimeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
    }

    private static ImmutableArray<MetadataReference> PlatformReferences() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
}
