namespace AudioMix.Storage;

/// <summary>Validates blob metadata against the portable rules documented on <see cref="BlobWriteOptions.Metadata"/>.</summary>
internal static class BlobMetadata
{
    private const int MaxNameLength = 64;
    private const int MaxValueLength = 1024;
    private const int MaxTotal = 8 * 1024;

    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string>? metadata)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null)
        {
            return copy;
        }

        var total = 0;
        foreach (var (name, value) in metadata)
        {
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !char.IsAsciiLetterLower(name[0])
                || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new ArgumentException(
                    $"Invalid blob metadata name '{name}': use 1–{MaxNameLength} lowercase ASCII letters, digits or '_', starting with a letter.",
                    nameof(metadata));
            }

            ArgumentNullException.ThrowIfNull(value, $"metadata[{name}]");
            if (value.Length > MaxValueLength || value.Any(c => c is < ' ' or > '~') || value.Trim().Length != value.Length)
            {
                throw new ArgumentException(
                    $"Invalid value for blob metadata '{name}': use at most {MaxValueLength} printable ASCII characters without leading or trailing spaces.",
                    nameof(metadata));
            }

            total += name.Length + value.Length;
            copy[name] = value;
        }

        return total > MaxTotal
            ? throw new ArgumentException($"Blob metadata totals {total} characters (at most {MaxTotal}).", nameof(metadata))
            : copy;
    }
}
