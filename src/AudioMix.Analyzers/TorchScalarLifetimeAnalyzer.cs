using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
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
/// about one MAPSS test run in ten. The members that do this are listed in TorchSharpScalarCreators.txt, read from
/// TorchSharp's IL (every public member that converts a number to a Scalar or calls one that does: <c>x * 0.5</c>,
/// <c>a + b</c> with its hidden alpha = 1, <c>square()</c> = <c>pow(2)</c>, <c>arange(n)</c>, <c>ToDouble()</c>, the implicit
/// conversions themselves); AudioMix.Analyzers.Tests re-reads the IL and fails when the list is stale. Use
/// AudioMix.Audio.Torch.KeptScalars, a <c>using</c> Scalar made with <c>ToScalar()</c>, or <c>item&lt;T&gt;()</c>.
/// TorchScript <c>invoke</c>/<c>forward</c>/<c>call</c> convert long, float and double arguments the same way (and the
/// native side uses them during the whole forward pass): pass an owned Scalar, an int or a tensor instead.
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
        isEnabledByDefault: true);

    /// <summary>Keys (see <see cref="Key"/>) of the TorchSharp members that create a Scalar and drop it.</summary>
    public static ImmutableHashSet<string> Creators { get; } = LoadCreators();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar") is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Check(c, ((IConversionOperation)c.Operation).OperatorMethod), OperationKind.Conversion);
            start.RegisterOperationAction(c => Check(c, ((IBinaryOperation)c.Operation).OperatorMethod), OperationKind.Binary);
            start.RegisterOperationAction(c => Check(c, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod), OperationKind.CompoundAssignment);
            start.RegisterOperationAction(c => Check(c, ((IUnaryOperation)c.Operation).OperatorMethod), OperationKind.Unary);
            start.RegisterOperationAction(c => Check(c, ((IPropertyReferenceOperation)c.Operation).Property.GetMethod), OperationKind.PropertyReference);
            start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    /// <summary>"TorchSharp.torch+Tensor.add(Tensor)": the declaring type's metadata name, the member, its parameter type names.</summary>
    public static string Key(IMethodSymbol method)
    {
        var definition = method.ReducedFrom ?? method.OriginalDefinition;
        var parameters = definition.Parameters.Select(p => TypeName(p.Type) + (p.RefKind == RefKind.None ? string.Empty : "&"));
        return $"{TypeKey(definition.ContainingType)}.{definition.MetadataName}({string.Join(",", parameters)})";
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!Creators.Contains(Key(invocation.TargetMethod)))
        {
            return;
        }

        // TorchScript calls convert only long/float/double arguments; tensors, ints, bools and owned Scalars are safe.
        if (IsTorchScriptCall(invocation.TargetMethod)
            && !invocation.Arguments.SelectMany(Values).Any(v => v.Type?.SpecialType is SpecialType.System_Int64 or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Object))
        {
            return;
        }

        Report(context, invocation.TargetMethod);
    }

    private static IEnumerable<IOperation> Values(IArgumentOperation argument)
    {
        var value = argument.Value;
        if (value is IArrayCreationOperation { Initializer: { } initializer })
        {
            return initializer.ElementValues.Select(Unboxed);
        }

        return [Unboxed(value)];
    }

    private static IOperation Unboxed(IOperation value) =>
        value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : value;

    private static bool IsTorchScriptCall(IMethodSymbol method) =>
        method.Name is "invoke" or "forward" or "call" && TypeKey(method.ContainingType).StartsWith("TorchSharp.torch+jit+", System.StringComparison.Ordinal);

    private static void Check(OperationAnalysisContext context, IMethodSymbol? method)
    {
        if (method is not null && Creators.Contains(Key(method)))
        {
            Report(context, method);
        }
    }

    private static void Report(OperationAnalysisContext context, IMethodSymbol method)
    {
        var what = method.MethodKind switch
        {
            MethodKind.Conversion => $"'{context.Operation.Syntax}' becomes a Scalar",
            MethodKind.UserDefinedOperator => $"operator '{context.Operation.Syntax}'",
            _ => $"'{method.ContainingType.Name}.{method.Name}'",
        };
        context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), what));
    }

    private static string TypeKey(INamedTypeSymbol type) =>
        type.ContainingType is { } outer
            ? $"{TypeKey(outer)}+{type.MetadataName}"
            : type.ContainingNamespace is { IsGlobalNamespace: false } ns ? $"{ns.ToDisplayString()}.{type.MetadataName}" : type.MetadataName;

    private static string TypeName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => TypeName(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        IPointerTypeSymbol pointer => TypeName(pointer.PointedAtType) + "*",
        _ => type.MetadataName,
    };

    private static ImmutableHashSet<string> LoadCreators()
    {
        using var stream = typeof(TorchScalarLifetimeAnalyzer).Assembly.GetManifestResourceStream("AudioMix.Analyzers.TorchSharpScalarCreators.txt")
            ?? throw new System.InvalidOperationException("TorchSharpScalarCreators.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var keys = new List<string>();
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length > 0 && line[0] != '#')
            {
                keys.Add(line);
            }
        }

        return keys.ToImmutableHashSet(System.StringComparer.Ordinal);
    }
}
