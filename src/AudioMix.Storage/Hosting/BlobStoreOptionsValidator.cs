using Microsoft.Extensions.Options;

namespace AudioMix.Storage.Hosting;

/// <summary>Checks <see cref="BlobStoreOptions"/> at start-up with messages that name the configuration keys.</summary>
internal sealed class BlobStoreOptionsValidator : IValidateOptions<BlobStoreOptions>
{
    private const string Section = BlobStoreOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BlobStoreOptions options)
    {
        var failures = new List<string>();
        switch (options.Provider)
        {
            case BlobStoreProvider.FileSystem:
                if (string.IsNullOrWhiteSpace(options.RootPath))
                {
                    failures.Add($"{Section}:RootPath is required when Provider is FileSystem (the data directory).");
                }
                else if (options.RootPath.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
                {
                    failures.Add($"{Section}:RootPath '{options.RootPath}' contains characters that are invalid in a path.");
                }

                break;
            case BlobStoreProvider.AzureBlob:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    failures.Add($"{Section}:ConnectionString is required when Provider is AzureBlob.");
                }

                if (!IsValidContainerName(options.Container))
                {
                    failures.Add($"{Section}:Container '{options.Container}' is not a valid Azure container name (3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit).");
                }

                break;
            default:
                failures.Add($"{Section}:Provider '{options.Provider}' is unknown; use FileSystem or AzureBlob.");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata#container-names
    internal static bool IsValidContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
