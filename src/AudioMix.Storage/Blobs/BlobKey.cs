using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AudioMix.Storage;

/// <summary>
/// The rules for blob keys, shared by every <see cref="IBlobStore"/> so a key means the same blob on every backend.
/// </summary>
/// <remarks>
/// A key is a relative, '/'-separated path: no leading or trailing '/', no empty, '.' or '..' segments, no segment
/// ending in '.', no backslash, no control characters, no unpaired UTF-16 surrogates; at most
/// <see cref="MaxLength"/> characters, <see cref="MaxSegments"/> segments, and <see cref="MaxSegmentBytes"/> UTF-8
/// bytes per segment. These are the intersection of Azure blob naming
/// (https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata:
/// ≤ 1024 characters, ≤ 254 segments, avoid names ending in '.' or '/') and POSIX file names (NAME_MAX 255 bytes),
/// so a key maps 1:1 onto an Azure blob name and onto a path under a filesystem root that can never escape it.
/// Keys are case-sensitive.
/// </remarks>
public static class BlobKey
{
    /// <summary>The maximum key length in UTF-16 characters (Azure's blob name limit).</summary>
    public const int MaxLength = 1024;

    /// <summary>The maximum number of '/'-separated segments (Azure's limit).</summary>
    public const int MaxSegments = 254;

    /// <summary>The maximum UTF-8 length of one segment (POSIX NAME_MAX).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Returns <paramref name="key"/> when it is a valid key; otherwise throws.</summary>
    /// <param name="key">The candidate key.</param>
    /// <param name="paramName">The parameter name reported in the exception.</param>
    /// <exception cref="ArgumentException">The key is invalid; the message names the key and the rule it breaks.</exception>
    public static string Validate(string? key, string paramName = "key")
    {
        var problem = FindProblem(key, isPrefix: false);
        return problem is null ? key! : throw new ArgumentException($"Invalid blob key '{Printable(key)}': {problem}.", paramName);
    }

    /// <summary>Whether <paramref name="key"/> is a valid key.</summary>
    /// <param name="key">The candidate key.</param>
    public static bool IsValid(string? key) => FindProblem(key, isPrefix: false) is null;

    /// <summary>
    /// Returns <paramref name="prefix"/> when it can start a valid key (empty is allowed: it matches every key);
    /// otherwise throws. Its last segment may be partial or empty (a trailing '/').
    /// </summary>
    /// <param name="prefix">The candidate prefix.</param>
    /// <param name="paramName">The parameter name reported in the exception.</param>
    /// <exception cref="ArgumentException">The prefix is invalid.</exception>
    public static string ValidatePrefix(string? prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0)
        {
            return prefix;
        }

        var problem = FindProblem(prefix, isPrefix: true);
        return problem is null ? prefix : throw new ArgumentException($"Invalid blob key prefix '{Printable(prefix)}': {problem}.", paramName);
    }

    /// <summary>
    /// Turns arbitrary text (a grain key, a user-supplied name) into one valid key segment, reversibly for short
    /// values: characters other than ASCII letters, digits, '-', '_' and '.' are percent-encoded as UTF-8
    /// (RFC 3986 §2.1), as are a leading and a trailing '.'. An escaped value longer than 200 characters is cut and
    /// suffixed with '~' and 16 hex digits of its SHA-256, so distinct values stay distinct.
    /// </summary>
    /// <param name="value">The text to escape; must not be empty.</param>
    /// <returns>A valid single key segment.</returns>
    public static string EscapeSegment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var builder = new StringBuilder(value.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var dotAtEdge = c == '.' && (i == 0 || i == value.Length - 1);
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && !dotAtEdge))
            {
                builder.Append(c);
                continue;
            }

            // Encode the whole scalar value; an unpaired surrogate becomes U+FFFD rather than invalid UTF-8.
            var rune = Rune.TryGetRuneAt(value, i, out var r) ? r : Rune.ReplacementChar;
            if (rune.Utf16SequenceLength == 2)
            {
                i++;
            }

            var written = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..written])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        const int maxEscaped = 200;
        if (builder.Length <= maxEscaped)
        {
            return builder.ToString();
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
        var head = builder.ToString(0, maxEscaped);
        // Do not cut a %XX escape in half.
        var percent = head.LastIndexOf('%');
        if (percent >= maxEscaped - 2)
        {
            head = head[..percent];
        }

        return head + "~" + hash;
    }

    private static string? FindProblem(string? key, bool isPrefix)
    {
        if (key is null)
        {
            return "it is null";
        }

        if (key.Length == 0)
        {
            return "it is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"it is {key.Length} characters long (at most {MaxLength})";
        }

        if (key[0] == '/')
        {
            return "it must be relative (no leading '/')";
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c == '\\')
            {
                return "it contains a backslash (use '/' to separate segments)";
            }

            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4}";
            }

            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "it contains an unpaired UTF-16 surrogate";
            }
        }

        var segments = key.Split('/');
        if (segments.Length > MaxSegments)
        {
            return $"it has {segments.Length} segments (at most {MaxSegments})";
        }

        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s];
            var isLast = s == segments.Length - 1;
            if (isPrefix && isLast)
            {
                // A prefix may end inside a segment, or right after a '/'.
                if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
                {
                    return $"the segment '{segment}' is longer than {MaxSegmentBytes} UTF-8 bytes";
                }

                continue;
            }

            if (segment.Length == 0)
            {
                return isLast ? "it must not end with '/'" : "it contains an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"it contains a '{segment}' segment";
            }

            if (segment[^1] == '.')
            {
                return $"the segment '{segment}' ends with '.'";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"the segment '{segment[..Math.Min(segment.Length, 40)]}…' is longer than {MaxSegmentBytes} UTF-8 bytes";
            }
        }

        return null;
    }

    private static string Printable(string? key)
    {
        if (key is null)
        {
            return "(null)";
        }

        var shown = key.Length > 120 ? key[..120] + "…" : key;
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
