using System.Text.Json;

namespace AudioMix.Grains.Operations;

/// <summary>Reads an op's JSON parameters with messages that name the op and the parameter.</summary>
public sealed class OperationParameters
{
    private readonly string _op;
    private readonly JsonElement _root;

    private OperationParameters(string op, JsonElement root)
    {
        _op = op;
        _root = root;
    }

    /// <summary>Parses a parameters object ("{}" or empty for all defaults).</summary>
    public static OperationParameters Parse(string op, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            json = "{}";
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{op}: params must be a JSON object.");
            }

            return new OperationParameters(op, doc.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{op}: params are not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Fails on parameter names the op does not know (a typo should not silently mean "default").</summary>
    public OperationParameters AllowOnly(params string[] names)
    {
        foreach (var property in _root.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{_op}: unknown parameter '{property.Name}'. Known: {string.Join(", ", names)}.");
            }
        }

        return this;
    }

    /// <summary>
    /// Fails when a parameter among <paramref name="names"/> is given: it exists for the op but not for
    /// <paramref name="what"/> (e.g. one separation method), and ignoring it would silently run something else.
    /// </summary>
    public void RejectAny(string what, IEnumerable<string> names)
    {
        var given = names.Where(name => _root.TryGetProperty(name, out _)).ToArray();
        if (given.Length > 0)
        {
            throw new ArgumentException($"{_op}: {string.Join(", ", given.Select(n => $"'{n}'"))} do(es) not apply to {what}.");
        }
    }

    public double Number(string name, double fallback, double min, double max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            throw new ArgumentException($"{_op}: '{name}' must be a number.");
        }

        return d >= min && d <= max ? d : throw new ArgumentException($"{_op}: '{name}' must be between {min} and {max} (got {d}).");
    }

    public double? OptionalNumber(string name, double min, double max) =>
        _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Number(name, 0, min, max) : null;

    public int WholeNumber(string name, int fallback, int min, int max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var i))
        {
            throw new ArgumentException($"{_op}: '{name}' must be a whole number.");
        }

        return i >= min && i <= max ? i : throw new ArgumentException($"{_op}: '{name}' must be between {min} and {max} (got {i}).");
    }

    public bool Flag(string name, bool fallback)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"{_op}: '{name}' must be true or false."),
        };
    }

    /// <summary>A string parameter, <see langword="null"/> when absent or null; empty or blank is an error.</summary>
    public string? OptionalText(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var s = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ArgumentException($"{_op}: '{name}' must be a string.");
        return string.IsNullOrWhiteSpace(s) ? throw new ArgumentException($"{_op}: '{name}' must not be empty.") : s;
    }

    public string Choice(string name, string fallback, params string[] allowed)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        var s = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ArgumentException($"{_op}: '{name}' must be a string.");
        return allowed.Contains(s, StringComparer.Ordinal) ? s : throw new ArgumentException($"{_op}: '{name}' must be one of {string.Join(", ", allowed)} (got '{s}').");
    }

    // Descriptor overloads: the op's schema (see Param) supplies the name, default, range and choices, so what the
    // registry publishes is what is enforced. An explicit fallback/max is for defaults and limits that depend on other
    // parameters (e.g. hopLength ≤ fftSize / 2); the schema's description says so.

    /// <summary>Fails on parameter names not among <paramref name="parameters"/>.</summary>
    public OperationParameters AllowOnly(IEnumerable<ParameterDescriptor> parameters) => AllowOnly([.. parameters.Select(p => p.Name)]);

    /// <summary>Whether the parameter is given (and not null).</summary>
    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public double Number(ParameterDescriptor parameter, double? fallback = null, double? max = null) =>
        Number(parameter.Name, fallback ?? parameter.DefaultNumber(), parameter.Min!.Value, max ?? parameter.Max!.Value);

    public double? OptionalNumber(ParameterDescriptor parameter) => OptionalNumber(parameter.Name, parameter.Min!.Value, parameter.Max!.Value);

    public int WholeNumber(ParameterDescriptor parameter, int? fallback = null, int? max = null) =>
        WholeNumber(parameter.Name, fallback ?? (int)parameter.DefaultNumber(), (int)parameter.Min!.Value, max ?? (int)parameter.Max!.Value);

    public int? OptionalWholeNumber(ParameterDescriptor parameter) => Has(parameter.Name) ? WholeNumber(parameter, 0) : null;

    public bool Flag(ParameterDescriptor parameter) => Flag(parameter.Name, parameter.DefaultJson == "true");

    public string Choice(ParameterDescriptor parameter) =>
        Choice(parameter.Name, JsonSerializer.Deserialize<string>(parameter.DefaultJson!)!, [.. parameter.Choices!]);

    public string? OptionalText(ParameterDescriptor parameter) => OptionalText(parameter.Name);
}
