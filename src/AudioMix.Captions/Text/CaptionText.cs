using System.Globalization;
using System.Text;

namespace AudioMix.Captions.Text;

/// <summary>
/// Word-level helpers for English audio captions (AudioCaps/Clotho style): tokens, function words,
/// a light suffix stemmer and the content words that a merged caption must keep.
/// </summary>
public static class CaptionText
{
    // Function words: articles, pronouns, prepositions, conjunctions, auxiliaries. Everything else counts as content.
    private static readonly HashSet<string> FunctionWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "another", "other", "its", "it", "it's",
        "his", "her", "their", "they", "them", "he", "she", "someone", "somebody", "something", "one", "ones",
        "of", "in", "on", "at", "to", "from", "by", "with", "without", "into", "onto", "over", "under", "near",
        "through", "across", "along", "around", "against", "off", "up", "down", "out", "about", "behind", "beside",
        "between", "inside", "outside", "upon", "within", "toward", "towards", "for", "as",
        "and", "or", "but", "while", "whilst", "then", "when", "before", "after", "until", "during", "so", "also",
        "is", "are", "was", "were", "be", "being", "been", "has", "have", "had", "can", "could", "will", "would",
        "there", "here", "which", "who", "whom", "whose", "where", "what", "very", "too", "just", "still",
        "again", "together", "both", "all", "each", "few", "more", "most", "many", "much", "several",
    };

    /// <summary>Lower-case word tokens (letters, digits, apostrophes and inner hyphens).</summary>
    public static IReadOnlyList<string> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || ((c is '\'' or '’' or '-') && sb.Length > 0))
            {
                sb.Append(c == '’' ? '\'' : char.ToLowerInvariant(c));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            var word = sb.ToString().TrimEnd('\'', '-');
            if (word.Length > 0)
            {
                tokens.Add(word);
            }

            sb.Clear();
        }
    }

    /// <summary>True for articles, pronouns, prepositions, conjunctions and auxiliaries.</summary>
    public static bool IsFunctionWord(string token) => FunctionWords.Contains(token.ToLowerInvariant());

    /// <summary>The caption's content words (tokens that are not function words), in order, lower-case.</summary>
    public static IReadOnlyList<string> ContentWords(string text) => Tokens(text).Where(t => !FunctionWords.Contains(t)).ToArray();

    /// <summary>The stems of the caption's content words.</summary>
    public static HashSet<string> ContentStems(string text) => ContentWords(text).Select(Stem).ToHashSet(StringComparer.Ordinal);

    // Words a compact merge may drop without losing a sound: setting fillers and manner adverbs (-ly).
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "sound", "sounds", "audio", "recording", "clip", "background", "foreground", "distance", "nearby", "far", "repeatedly", "continuously",
    };

    /// <summary>
    /// The content words a merged caption must keep: content words minus setting fillers ("in the background",
    /// "in the distance") and manner adverbs ending in -ly. Used to validate LLM replies.
    /// </summary>
    public static IReadOnlyList<string> KeyWords(string text) =>
        ContentWords(text).Where(w => !Fillers.Contains(w) && !(w.EndsWith("ly", StringComparison.Ordinal) && w.Length > 4)).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The key words of <paramref name="source"/> (see <see cref="KeyWords"/>) that <paramref name="candidate"/> does not contain in any inflection.</summary>
    public static IReadOnlyList<string> MissingKeyWords(string source, string candidate)
    {
        var have = ContentStems(candidate);
        return KeyWords(source).Where(w => !StemIn(Stem(w), have)).ToArray();
    }

    /// <summary>Number of word tokens.</summary>
    public static int WordCount(string text) => Tokens(text).Count;

    /// <summary>
    /// A light English suffix stemmer (plural -s/-es/-ies, -ing, -ed, -ly, possessive 's, doubled final
    /// consonant), enough to match "barks", "barking" and "barked" to "bark" when checking coverage.
    /// </summary>
    public static string Stem(string token)
    {
        var w = token.ToLowerInvariant();
        if (w.EndsWith("'s", StringComparison.Ordinal))
        {
            w = w[..^2];
        }

        if (w.Length <= 3)
        {
            return w;
        }

        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
        {
            return w[..^3] + "y";
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ingly", "edly", "ing", "ed", "ly"])
        {
            if (w.EndsWith(suffix, StringComparison.Ordinal) && w.Length - suffix.Length >= 3)
            {
                return Undouble(w[..^suffix.Length]);
            }
        }

        if (w.EndsWith("sses", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal) || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal) || w.EndsWith("zes", StringComparison.Ordinal))
        {
            return w[..^2];
        }

        if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal))
        {
            return TrimSilentE(w[..^1]);
        }

        return TrimSilentE(w);
    }

    // "chime"/"chiming" and "honk"/"honked" meet at one stem: drop a final silent e after a consonant.
    private static string TrimSilentE(string w) =>
        w.Length > 3 && w.EndsWith('e') && !IsVowel(w[^2]) && w[^2] != 'l' ? w[..^1] : w;

    private static string Undouble(string w) =>
        w.Length >= 3 && w[^1] == w[^2] && !IsVowel(w[^1]) && w[^1] is not ('l' or 's' or 'z') ? w[..^1] : TrimSilentE(w);

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    /// <summary>True when <paramref name="stem"/> matches one of <paramref name="stems"/> (equal, or one a prefix of the other with at least four letters).</summary>
    public static bool StemIn(string stem, IReadOnlySet<string> stems)
    {
        if (stems.Contains(stem))
        {
            return true;
        }

        foreach (var s in stems)
        {
            if (Math.Min(s.Length, stem.Length) >= 4 && (s.StartsWith(stem, StringComparison.Ordinal) || stem.StartsWith(s, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The content stems of <paramref name="source"/> that <paramref name="candidate"/> does not contain.</summary>
    public static IReadOnlyList<string> MissingContent(string source, string candidate)
    {
        var have = ContentStems(candidate);
        return ContentWords(source).Where(w => !StemIn(Stem(w), have)).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Upper-cases the first letter.</summary>
    public static string Capitalise(string text) =>
        text.Length == 0 ? text : string.Create(text.Length, text, static (span, t) =>
        {
            t.AsSpan().CopyTo(span);
            span[0] = char.ToUpper(span[0], CultureInfo.InvariantCulture);
        });
}
