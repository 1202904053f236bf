using System.Globalization;
using System.Text.Json.Nodes;
using AudioMix.Abstractions.Jobs;

namespace AudioMix.Web.Services;

/// <summary>
/// The parameter fields of one operation, generated from its registry schema (<see cref="OperationDescriptor"/>):
/// each field starts at the parameter's default (empty when the default is not a constant), is checked as it changes
/// (range, whole numbers, choices), and only the fields that apply (e.g. <c>margin</c> only with <c>method</c> =
/// <c>hpss</c>) and differ from their default are sent, so the op's own defaults apply to the rest.
/// </summary>
internal sealed class OperationForm
{
    private readonly Dictionary<string, double?> _numbers = [];
    private readonly Dictionary<string, bool> _flags = [];
    private readonly Dictionary<string, string?> _texts = [];

    public OperationForm(OperationDescriptor descriptor)
    {
        Descriptor = descriptor;
        foreach (var p in descriptor.Parameters)
        {
            var d = Default(p);
            switch (p.Type)
            {
                case ParameterType.Number or ParameterType.Integer:
                    _numbers[p.Name] = d?.GetValue<double>();
                    break;
                case ParameterType.Boolean:
                    _flags[p.Name] = d?.GetValue<bool>() ?? false;
                    break;
                default:
                    _texts[p.Name] = d?.GetValue<string>();
                    break;
            }
        }
    }

    public OperationDescriptor Descriptor { get; }

    /// <summary>The parameters whose condition holds, in the schema's order.</summary>
    public IEnumerable<ParameterDescriptor> Visible => Descriptor.Parameters.Where(Applies);

    /// <summary>True when every visible field holds an allowed value (or is empty).</summary>
    public bool IsValid => Visible.All(p => Error(p) is null);

    public double? GetNumber(string name) => _numbers.GetValueOrDefault(name);

    public void SetNumber(string name, double? value) => _numbers[name] = value;

    public bool GetFlag(string name) => _flags.GetValueOrDefault(name);

    public void SetFlag(string name, bool value) => _flags[name] = value;

    public string? GetText(string name) => _texts.GetValueOrDefault(name);

    public void SetText(string name, string? value) => _texts[name] = value;

    public bool Applies(ParameterDescriptor p) =>
        p.AppliesWhen is not { } when || (GetText(when.Parameter) is { } value && when.Values.Contains(value));

    /// <summary>What is wrong with the field's value, or null.</summary>
    public string? Error(ParameterDescriptor p)
    {
        switch (p.Type)
        {
            case ParameterType.Number or ParameterType.Integer when GetNumber(p.Name) is { } v:
                if (!double.IsFinite(v))
                {
                    return $"{p.Name} must be a number.";
                }

                if (p.Type == ParameterType.Integer && v != Math.Floor(v))
                {
                    return $"{p.Name} must be a whole number.";
                }

                return (v < p.Min || v > p.Max) ? $"{p.Name} must be {Range(p)}." : null;
            case ParameterType.Choice when GetText(p.Name) is { } c && p.Choices is { } choices && !choices.Contains(c):
                return $"{p.Name} must be one of {string.Join(", ", choices)}.";
            default:
                return null;
        }
    }

    /// <summary>The parameters as a JSON object: the visible fields that are set and differ from their default.</summary>
    public string ToJson()
    {
        var json = new JsonObject();
        foreach (var p in Visible)
        {
            var d = Default(p);
            switch (p.Type)
            {
                case ParameterType.Number or ParameterType.Integer when GetNumber(p.Name) is { } v && v != d?.GetValue<double>():
                    json[p.Name] = p.Type == ParameterType.Integer ? JsonValue.Create((long)v) : JsonValue.Create(v);
                    break;
                case ParameterType.Boolean when GetFlag(p.Name) != (d?.GetValue<bool>() ?? false):
                    json[p.Name] = GetFlag(p.Name);
                    break;
                case ParameterType.Choice or ParameterType.String when GetText(p.Name) is { } t && !string.IsNullOrWhiteSpace(t) && t != d?.GetValue<string>():
                    json[p.Name] = t.Trim();
                    break;
            }
        }

        return json.ToJsonString();
    }

    /// <summary>
    /// The field's help: the description, the allowed range, and for <c>count</c> the chosen dataset's size
    /// ("Outputs to make (default: one per item — 10 items)").
    /// </summary>
    public static string HelperText(ParameterDescriptor p, long? datasetItems)
    {
        var text = p.Description;
        if (p.Name == "count" && p.DefaultJson is null && datasetItems is { } n)
        {
            var items = $" — {n:N0} item{(n == 1 ? string.Empty : "s")}";
            text = text.EndsWith(')') ? string.Concat(text.AsSpan(0, text.Length - 1), items, ")") : text + items;
        }

        return Range(p) is { Length: > 0 } range ? $"{text} · {range}" : text;
    }

    /// <summary>The spin-button step: 1 for whole numbers, else a tenth of the default's order of magnitude.</summary>
    public static double Step(ParameterDescriptor p)
    {
        if (p.Type == ParameterType.Integer)
        {
            return 1;
        }

        var scale = Default(p)?.GetValue<double>() is { } d && d != 0 ? Math.Abs(d)
            : p is { Min: { } min, Max: { } max } && max > min ? (max - min) / 10 : 1;
        return Math.Pow(10, Math.Floor(Math.Log10(scale)) - (scale < 1 ? 0 : 1));
    }

    private static string Range(ParameterDescriptor p) => (p.Min, p.Max) switch
    {
        ({ } min, { } max) => $"between {Format(min)} and {Format(max)}",
        ({ } min, null) => $"at least {Format(min)}",
        (null, { } max) => $"at most {Format(max)}",
        _ => string.Empty,
    };

    private static string Format(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static JsonNode? Default(ParameterDescriptor p) => p.DefaultJson is null ? null : JsonNode.Parse(p.DefaultJson);
}
