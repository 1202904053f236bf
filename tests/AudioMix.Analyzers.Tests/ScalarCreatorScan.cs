using System.Reflection;
using System.Reflection.Emit;

namespace AudioMix.Analyzers.Tests;

/// <summary>
/// Reads TorchSharp's IL: which public members create a <c>Scalar</c> themselves (directly, or through another
/// TorchSharp method that does) and drop it, so that a collection during their native call can free it.
/// </summary>
internal static class ScalarCreatorScan
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Keys (<see cref="Key"/>) of the public members of <paramref name="torchSharp"/> that create a Scalar.</summary>
    public static SortedSet<string> Creators(Assembly torchSharp)
    {
        var scalar = torchSharp.GetType("TorchSharp.Scalar", throwOnError: true)!;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var methods = LoadableTypes(torchSharp).SelectMany(t => Members(t, all)).Distinct().ToList();
        var calls = methods.ToDictionary(m => m, m => Callees(m).ToArray());

        // A creator: calls Scalar's implicit conversions or a ToScalar(); then, to a fixed point, anything calling a creator.
        bool Creates(MethodBase m) => m.DeclaringType is { } t
            && ((t == scalar && m.Name == "op_Implicit") || (m.Name == "ToScalar" && m.Module == scalar.Module));
        var creators = new HashSet<MethodBase>(methods.Where(m => calls[m].Any(Creates)));
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var m in methods)
            {
                if (!creators.Contains(m) && calls[m].Any(c => creators.Contains(c)))
                {
                    creators.Add(m);
                    changed = true;
                }
            }
        }

        return new SortedSet<string>(
            creators.Where(m => m.IsPublic && IsVisible(m.DeclaringType!) && m is MethodInfo).Select(Key),
            StringComparer.Ordinal);
    }

    /// <summary>"TorchSharp.torch+Tensor.add(Tensor)": declaring type's full name, member name, parameter type names.</summary>
    public static string Key(MethodBase m) =>
        $"{m.DeclaringType!.FullName}.{m.Name}({string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name))})";

    private static MethodBase[] Members(Type type, BindingFlags flags)
    {
        try
        {
            return [.. type.GetMethods(flags), .. type.GetConstructors(flags)];
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Types over optional dependencies (Google.Protobuf, SkiaSharp) that are absent; none handles tensors.
            return e.Types.OfType<Type>();
        }
    }

    private static bool IsVisible(Type t) => t.IsPublic || (t.IsNestedPublic && IsVisible(t.DeclaringType!));

    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or FileNotFoundException)
        {
            yield break;
        }

        if (il is null)
        {
            yield break;
        }

        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[code];
            var operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i),
                        method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
                {
                }

                if (callee is not null)
                {
                    yield return callee is MethodInfo { IsGenericMethod: true } g && !g.IsGenericMethodDefinition ? g.GetGenericMethodDefinition() : callee;
                }
            }

            i += operand;
        }
    }
}
