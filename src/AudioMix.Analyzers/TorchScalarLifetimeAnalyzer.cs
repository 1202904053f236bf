using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AudioMix.Analyzers;

/// <summary>
/// AMX0001: a TorchSharp <c>Scalar</c> created where nothing keeps it alive across the native call.
/// </summary>
/// <remarks>
/// TorchSharp wraps every number given to a tensor op in a finalizable <c>Scalar</c>, reads its native handle and drops
/// the object before the P/Invoke. A garbage collection during the call can run the finalizer and free the scalar under
/// libtorch ("Unknown scalar type", "Expected false to be true … Scalar.h"). We saw it in a one-hour HPSS run and in
/// about one MAPSS test run in ten. The rule flags (1) any implicit number → Scalar conversion in our code
/// (<c>x * 0.5</c>, <c>clamp_min(0)</c>, <c>arange(0, n, 1)</c>) and (2) the TorchSharp members that create a Scalar
/// themselves (<c>a + b</c> and <c>add(b)</c> pass alpha = 1; <c>arange(n)</c> passes start and step; <c>ToDouble()</c>
/// goes through a temporary Scalar). Use AudioMix.Audio.Torch.KeptScalars, a <c>using</c> Scalar, or <c>item&lt;T&gt;()</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TorchScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "AMX0001";

    private static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        "TorchSharp Scalar not kept alive across the native call",
        "{0}: the TorchSharp Scalar it creates can be finalized while libtorch uses it; use KeptScalars, a disposed Scalar or item<T>()",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: null,
        customTags: []);

    // Members that create a Scalar inside TorchSharp when called with these parameter counts (the overloads that
    // fill in alpha/value/start/step themselves).
    private static readonly ImmutableDictionary<string, ImmutableArray<int>> ImplicitScalarMembers =
        new Dictionary<string, ImmutableArray<int>>
        {
            ["add"] = [1, 2],     // Tensor.add(other) ⇒ alpha = 1; torch.add(a, b) ⇒ a.add(b)
            ["add_"] = [1, 2],
            ["addcdiv"] = [2, 3],
            ["addcdiv_"] = [2, 3],
        }.ToImmutableDictionary();

    private static readonly ImmutableHashSet<string> ScalarConversions = ImmutableHashSet.Create(
        "ToDouble", "ToSingle", "ToHalf", "ToBFloat16", "ToSByte", "ToByte", "ToInt16", "ToInt32", "ToInt64",
        "ToBoolean", "ToComplexFloat32", "ToComplexFloat64", "ToComplex32", "ToComplex64");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            var torch = start.Compilation.GetTypeByMetadataName("TorchSharp.torch");
            var extensions = start.Compilation.GetTypeByMetadataName("TorchSharp.TensorExtensionMethods");
            if (scalar is null || tensor is null || torch is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeConversion(c, scalar), OperationKind.Conversion);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, tensor, torch, extensions), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeOperator(c, tensor, ((IBinaryOperation)c.Operation).OperatorMethod, ((IBinaryOperation)c.Operation).OperatorKind), OperationKind.Binary);
            start.RegisterOperationAction(c => AnalyzeOperator(c, tensor, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod, ((ICompoundAssignmentOperation)c.Operation).OperatorKind), OperationKind.CompoundAssignment);
        });
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (conversion.IsImplicit
            && conversion.Conversion.IsUserDefined
            && SymbolEqualityComparer.Default.Equals(conversion.Type, scalar)
            && conversion.Operand.Type is { } from
            && !SymbolEqualityComparer.Default.Equals(from, scalar))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(), $"'{conversion.Operand.Syntax}' becomes a Scalar implicitly"));
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol tensor, INamedTypeSymbol torch, INamedTypeSymbol? extensions)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var owner = method.ContainingType;
        if (SymbolEqualityComparer.Default.Equals(owner, tensor) || SymbolEqualityComparer.Default.Equals(owner, torch))
        {
            var arity = method.Parameters.Length;
            if (ImplicitScalarMembers.TryGetValue(method.Name, out var arities) && arities.Contains(arity)
                && (SymbolEqualityComparer.Default.Equals(owner, tensor) ? arity == arities[0] : arity == arities[1]))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), $"'{method.Name}' without an explicit alpha"));
            }
            else if (method.Name == "arange" && SymbolEqualityComparer.Default.Equals(owner, torch) && CountScalarParameters(method) < 3)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), "'arange' without start and step"));
            }
        }
        else if (extensions is not null && SymbolEqualityComparer.Default.Equals(owner, extensions)
            && ScalarConversions.Contains(method.Name)
            && method.Parameters.Length == 1
            && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, tensor))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), $"'{method.Name}()' on a tensor"));
        }
    }

    private static void AnalyzeOperator(OperationAnalysisContext context, INamedTypeSymbol tensor, IMethodSymbol? method, BinaryOperatorKind kind)
    {
        if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor))
        {
            return;
        }

        // a + b is add(b) (alpha = 1); number - t and number / t create the number's Scalar inside TorchSharp.
        var leftIsTensor = SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, tensor);
        var implicitInside = kind switch
        {
            BinaryOperatorKind.Add => true,
            BinaryOperatorKind.Subtract or BinaryOperatorKind.Divide => !leftIsTensor,
            _ => false,
        };
        var numberOperand = method.Parameters.Any(p => p.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            or SpecialType.System_Int32 or SpecialType.System_Int64);
        if (implicitInside || numberOperand)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), $"operator '{context.Operation.Syntax.ToString().Trim()}'"));
        }
    }

    private static int CountScalarParameters(IMethodSymbol method) =>
        method.Parameters.Count(p => p.Type.Name == "Scalar");
}
