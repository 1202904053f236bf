using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AudioMix.Models;

/// <summary>
/// The installed models: files that <c>infra/models/install</c> placed under <see cref="Root"/>, checked against the
/// pins compiled into this build. Nothing is downloaded here: a missing or corrupt model is an error that names the
/// install command.
/// </summary>
public sealed class ModelStore
{
    /// <summary>The command that installs the pinned models.</summary>
    public const string InstallCommand = "infra/models/install";

    // A file's hash is checked once per (path, size, write time): models are read on every job, hashed once.
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();

    /// <summary>A store over <paramref name="root"/>.</summary>
    public ModelStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = System.IO.Path.GetFullPath(root);
    }

    /// <summary>A store over the configured folder.</summary>
    public ModelStore(ModelStoreOptions options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Path)
    {
    }

    /// <summary>The models folder.</summary>
    public string Root { get; }

    /// <summary>
    /// The command that installs <paramref name="pin"/>: with <c>--accept-license ID</c> when its licence needs explicit
    /// acceptance (the installer refuses otherwise), so a message naming it tells the user what they agree to.
    /// </summary>
    public static string InstallCommandFor(ModelPin pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return pin.License.RequiresAcceptance
            ? $"{InstallCommand} {pin.Name} --accept-license {pin.License.Id}"
            : $"{InstallCommand} {pin.Name}";
    }

    /// <summary>Where the file of <paramref name="pin"/> belongs.</summary>
    public string PathOf(ModelPin pin) => System.IO.Path.Combine(Root, pin.Name, pin.File);

    /// <summary>Whether the pinned model <paramref name="name"/> is installed with the pinned hash.</summary>
    public bool IsInstalled(string name) => Status(ModelCatalog.Get(name)).State == ModelState.Installed;

    /// <summary>The installed model <paramref name="name"/>, its hash verified.</summary>
    /// <exception cref="ModelNotInstalledException">Missing, or its sha256 differs from the pin (names the install command).</exception>
    public InstalledModel Resolve(string name)
    {
        var pin = ModelCatalog.Get(name);
        var status = Status(pin);
        return status.State switch
        {
            ModelState.Installed => new InstalledModel(pin, status.Path),
            ModelState.Corrupt => throw new ModelNotInstalledException(name,
                $"Model '{name}' at '{status.Path}' is corrupt (sha256 {status.ActualSha256}, pinned {pin.Sha256}): run `{InstallCommandFor(pin)}` to reinstall it."),
            _ => throw new ModelNotInstalledException(name,
                $"Model '{name}' {pin.Version} is not installed (no '{status.Path}'): run `{InstallCommandFor(pin)}`, or set AudioMix:Models:Path to where it is installed."),
        };
    }

    /// <summary>Every pinned model with its installation state.</summary>
    public IReadOnlyList<ModelStatus> List() => [.. ModelCatalog.Pinned.Values.Select(Status)];

    /// <summary>The state of one pinned model.</summary>
    public ModelStatus Status(ModelPin pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        var path = PathOf(pin);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return new ModelStatus(pin, ModelState.Missing, path, null);
        }

        var hash = Hashes.GetOrAdd((path, info.Length, info.LastWriteTimeUtc), static key =>
        {
            using var stream = File.OpenRead(key.Path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
        return new ModelStatus(pin, hash == pin.Sha256 ? ModelState.Installed : ModelState.Corrupt, path, hash);
    }
}

/// <summary>A verified model file.</summary>
/// <param name="Pin">What it is.</param>
/// <param name="Path">Where it is.</param>
public sealed record InstalledModel(ModelPin Pin, string Path)
{
    /// <summary>Name and hash, as provenance records them.</summary>
    public string Reference => $"{Pin.Name}@{Pin.Version} sha256:{Pin.Sha256}";
}

/// <summary>Whether a pinned model is usable.</summary>
public enum ModelState
{
    /// <summary>Present with the pinned hash.</summary>
    Installed,

    /// <summary>No file.</summary>
    Missing,

    /// <summary>A file whose hash differs from the pin.</summary>
    Corrupt,
}

/// <summary>A pinned model and its state in a store.</summary>
/// <param name="Pin">The pin.</param>
/// <param name="State">Installed, missing or corrupt.</param>
/// <param name="Path">Where the file is expected.</param>
/// <param name="ActualSha256">The file's hash when present.</param>
public sealed record ModelStatus(ModelPin Pin, ModelState State, string Path, string? ActualSha256);

/// <summary>A pinned model is missing or corrupt; the message names the install command.</summary>
public sealed class ModelNotInstalledException(string model, string message) : InvalidOperationException(message)
{
    /// <summary>The model's registry name.</summary>
    public string Model { get; } = model;
}
