using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioMix.Grains.Operations;

/// <summary>
/// Builds <see cref="ParameterDescriptor"/>s. Ops declare each parameter once with these and parse with the same
/// descriptor (<see cref="OperationParameters"/>' overloads), so the published schema (names, ranges, defaults, choices)
/// is the one validation applies.
/// </summary>
public static class Param
{
    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="fallback"/> null: no constant default.</summary>
    public static ParameterDescriptor Number(string name, double? fallback, double min, double max, string description) =>
        new(name, ParameterType.Number, description, fallback is { } f ? Literal(f) : null, min, max);

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static ParameterDescriptor WholeNumber(string name, int? fallback, int min, int max, string description) =>
        new(name, ParameterType.Integer, description, fallback is { } f ? f.ToString(CultureInfo.InvariantCulture) : null, min, max);

    /// <summary>true or false.</summary>
    public static ParameterDescriptor Flag(string name, bool fallback, string description) =>
        new(name, ParameterType.Boolean, description, fallback ? "true" : "false");

    /// <summary>One of <paramref name="choices"/>.</summary>
    public static ParameterDescriptor Choice(string name, string fallback, string[] choices, string description) =>
        new(name, ParameterType.Choice, description, JsonSerializer.Serialize(fallback), Choices: choices.ToArray());

    /// <summary>Free text without a default.</summary>
    public static ParameterDescriptor Text(string name, string description) => new(name, ParameterType.String, description);

    /// <summary>The descriptor, applying only when <paramref name="parameter"/> is one of <paramref name="values"/>.</summary>
    public static ParameterDescriptor When(this ParameterDescriptor descriptor, string parameter, params string[] values) =>
        descriptor with { AppliesWhen = new ParameterCondition(parameter, values) };

    /// <summary>The constant default as a number (the descriptor must have one).</summary>
    public static double DefaultNumber(this ParameterDescriptor descriptor) =>
        double.Parse(descriptor.DefaultJson ?? throw new InvalidOperationException($"'{descriptor.Name}' has no constant default."), CultureInfo.InvariantCulture);

    /// <summary>The descriptor of an op: its parameters and the default parameters derived from them.</summary>
    public static OperationDescriptor Describe(string name, string description, params ParameterDescriptor[] parameters) =>
        new(name, description, parameters, DefaultsJson(parameters));

    /// <summary>
    /// The JSON object of the parameters with a constant default whose condition holds for the defaults (e.g. with the
    /// default method's settings but not another method's); <c>{}</c> and it parse to the same parameters.
    /// </summary>
    public static string DefaultsJson(IReadOnlyList<ParameterDescriptor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var json = new JsonObject();
        foreach (var p in parameters.Where(p => p.DefaultJson is not null && Holds(p.AppliesWhen)))
        {
            json[p.Name] = JsonNode.Parse(p.DefaultJson!);
        }

        return json.ToJsonString();

        bool Holds(ParameterCondition? condition) =>
            condition is null
            || (byName.TryGetValue(condition.Parameter, out var on) && on.DefaultJson is { } d
                && condition.Values.Contains(JsonSerializer.Deserialize<string>(d), StringComparer.Ordinal));
    }

    private static string Literal(double value) => JsonSerializer.Serialize(value);
}
