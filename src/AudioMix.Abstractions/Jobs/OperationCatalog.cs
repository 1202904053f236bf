namespace AudioMix.Abstractions.Jobs;

/// <summary>The kind of value a parameter takes (what a generated form shows for it).</summary>
#pragma warning disable CA1720 // The names are the schema's vocabulary (number, integer, boolean, choice, string), as JSON Schema spells them.
public enum ParameterType
{
    /// <summary>A finite number (JSON number).</summary>
    Number,

    /// <summary>A whole number (JSON number without a fraction).</summary>
    Integer,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of <see cref="ParameterDescriptor.Choices"/> (JSON string).</summary>
    Choice,

    /// <summary>Free text (JSON string; blank is an error).</summary>
    String,
}
#pragma warning restore CA1720

/// <summary>
/// A condition on another parameter under which a parameter applies, e.g. <c>margin</c> only with
/// <c>method</c> = <c>hpss</c>. Giving a parameter whose condition does not hold is an error.
/// </summary>
/// <param name="Parameter">The parameter the condition reads (a choice).</param>
/// <param name="Values">The values of it under which this parameter applies.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.ParameterCondition")]
public sealed record ParameterCondition(string Parameter, IReadOnlyList<string> Values);

/// <summary>One parameter of an operation: enough to validate it, document it and generate a form field for it.</summary>
/// <param name="Name">The JSON property name.</param>
/// <param name="Type">The kind of value.</param>
/// <param name="Description">One line: what it does, and where the default is not a constant, what it is.</param>
/// <param name="DefaultJson">
/// The default as a JSON literal (<c>0.4</c>, <c>true</c>, <c>"anchor"</c>), or null when there is none or it is not a
/// constant (it depends on the dataset, e.g. <c>count</c>, or on other parameters; <see cref="Description"/> says how).
/// </param>
/// <param name="Min">Smallest allowed value (numbers), inclusive.</param>
/// <param name="Max">Largest allowed value (numbers), inclusive.</param>
/// <param name="Choices">The allowed values (choices).</param>
/// <param name="AppliesWhen">When the parameter applies; null: always.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.ParameterDescriptor")]
public sealed record ParameterDescriptor(
    string Name,
    ParameterType Type,
    string Description,
    string? DefaultJson = null,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Choices = null,
    ParameterCondition? AppliesWhen = null);

/// <summary>An operation a recipe can name: its name, one-line description, parameters and default parameters.</summary>
/// <param name="Name">The recipe name, e.g. "mixup".</param>
/// <param name="Description">One line for menus.</param>
/// <param name="Parameters">Every parameter the op accepts, in a sensible form order.</param>
/// <param name="DefaultParametersJson">
/// A JSON object with the constant defaults of the parameters that apply by default (derived from
/// <paramref name="Parameters"/>); it parses to the same settings as <c>{}</c>.
/// </param>
[GenerateSerializer, Immutable, Alias("AudioMix.OperationDescriptor")]
public sealed record OperationDescriptor(string Name, string Description, IReadOnlyList<ParameterDescriptor> Parameters, string DefaultParametersJson);

/// <summary>
/// The operations the cluster's silos know (their registry). A stateless worker: any silo answers from its own registry,
/// so a web host in client mode, which registers no operations, learns them from the cluster.
/// </summary>
[Alias("AudioMix.IOperationCatalogGrain")]
public interface IOperationCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The operations, sorted by name.</summary>
    [Alias("List")]
    Task<IReadOnlyList<OperationDescriptor>> ListAsync();

    /// <summary>
    /// Checks a job spec without creating the job: the dataset, output settings, every step's parameters and what the
    /// dataset can supply to each step (capacity under the op's pairing rules), with what to change when impossible.
    /// </summary>
    [Alias("Validate")]
    Task<JobValidation> ValidateAsync(JobSpec spec);
}
