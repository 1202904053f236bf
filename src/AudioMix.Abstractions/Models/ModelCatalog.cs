namespace AudioMix.Abstractions.Models;

/// <summary>One learned model the cluster pins (infra/models/NAME.json), and whether the answering silo has it installed.</summary>
/// <param name="Name">Registry name (e.g. <c>silero-vad</c>).</param>
/// <param name="Version">The model's version.</param>
/// <param name="Description">What it computes.</param>
/// <param name="License">SPDX id of the weights' licence.</param>
/// <param name="LicenseNote">Where the licence is stated; what the carrier package says.</param>
/// <param name="RequiresLicenseAcceptance">Installing needs <c>infra/models/install NAME --accept-license LICENSE</c> (the licence id).</param>
/// <param name="Sha256">The pinned file hash.</param>
/// <param name="Source">Where the installer fetches it: <c>npm PACKAGE@VERSION:PATH</c>.</param>
/// <param name="State">installed | missing | corrupt.</param>
/// <param name="Path">Where the silo expects the file.</param>
/// <param name="UsedBy">The ops that load it.</param>
[GenerateSerializer, Immutable, Alias("AudioMix.ModelInfo")]
public sealed record ModelInfo(
    string Name, string Version, string Description, string License, string? LicenseNote, bool RequiresLicenseAcceptance,
    string Sha256, string Source, string State, string Path, IReadOnlyList<string> UsedBy);

/// <summary>The pinned learned models and their installation state on the answering silo.</summary>
[Alias("AudioMix.IModelCatalogGrain")]
public interface IModelCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every pinned model, sorted by name.</summary>
    [Alias("List")]
    Task<IReadOnlyList<ModelInfo>> ListAsync();
}
