using System.Text;
using System.Text.RegularExpressions;
using AudioMix.Audio.Augmentation;
using AudioMix.Captions.Text;

namespace AudioMix.Captions.Merging;

/// <summary>
/// A deterministic, rule-based merger for when no LLM endpoint is configured. It turns two captions into one
/// sentence ("A dog barks while rain falls on a roof"): it normalises each caption (spacing, trailing and
/// inner sentence punctuation, doubled words, a/an), keeps one copy when one caption's content is contained
/// in the other, shares a repeated subject ("A man speaks and coughs") or a shared trailing place ("… in the
/// distance"), and otherwise joins the clauses with a connective that fits their grammatical shape
/// (finite clause, participle phrase or noun phrase).
/// </summary>
public sealed partial class BuiltInCaptionMerger : ICaptionMerger
{
    /// <summary>The name recorded in provenance.</summary>
    public const string MergerName = "builtin";

    private static readonly HashSet<string> Auxiliaries = new(StringComparer.Ordinal)
    {
        "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "does", "do", "did", "keeps", "continues",
    };

    private static readonly HashSet<string> Prepositions = new(StringComparer.Ordinal)
    {
        "in", "on", "at", "from", "inside", "outside", "near", "behind", "through", "across", "along", "over", "under", "by", "into", "onto", "around",
    };

    // Words that end in -s/-ed but are not verbs in caption-initial noun phrases.
    private static readonly HashSet<string> NotVerbs = new(StringComparer.Ordinal)
    {
        "this", "is", "gas", "bus", "glass", "grass", "bass", "its", "his", "as", "us", "was", "has", "does", "news",
        "series", "species", "wheels", "tires", "tyres", "leaves", "steps", "footsteps", "keys", "birds", "dogs", "cars",
        "people's", "bees", "flies", "waves", "drums", "chimes", "bells", "voices", "sounds", "noises", "seed", "speed",
        "bed", "shed", "red", "bled", "bread", "head", "crowd", "wind", "round", "ground", "background", "hundred",
    };

    /// <inheritdoc />
    public string Name => MergerName;

    /// <inheritdoc />
    public Task<CaptionMergeResult> MergeAsync(CaptionMergeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new CaptionMergeResult(MergerName, Merge(request.First, request.Second, request.Variants, request.Seed), []));
    }

    /// <summary>Up to <paramref name="variants"/> distinct merged captions, deterministic given the inputs and seed.</summary>
    public static IReadOnlyList<string> Merge(string first, string second, int variants = 3, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (variants < 1)
        {
            throw new ArgumentException($"variants must be at least 1 (got {variants}).", nameof(variants));
        }

        var a = Clause.Parse(first);
        var b = Clause.Parse(second);
        if (a.Words.Length == 0 || b.Words.Length == 0)
        {
            var only = a.Words.Length == 0 ? b : a;
            if (only.Words.Length == 0)
            {
                throw new ArgumentException("Both captions are empty.", nameof(first));
            }

            return [Finish(only.Text)];
        }

        // Overlapping content: one caption says everything the other does ("A dog barks" + "A dog barks and a cat meows").
        var stemsA = CaptionText.ContentStems(a.Text);
        var stemsB = CaptionText.ContentStems(b.Text);
        if (stemsA.All(s => CaptionText.StemIn(s, stemsB)))
        {
            return [Finish(b.Text)];
        }

        if (stemsB.All(s => CaptionText.StemIn(s, stemsA)))
        {
            return [Finish(a.Text)];
        }

        var candidates = new List<string>();
        var (aOther, bOther) = (a, b);
        if (SharedSubject(a, b) is { } subject)
        {
            // "A man speaks" + "A man coughs loudly" → "A man speaks and coughs loudly", when both are one clause
            // (else "… while a crowd murmurs and laughs" would give the laugh to the crowd).
            if (a.IsSingleClause && b.IsSingleClause)
            {
                candidates.Add($"{a.Text} and {string.Join(' ', b.Words.Skip(subject))}");
            }

            // Two clips, so possibly two speakers: the other patterns say "another man", not "a man" twice.
            if (a.Keys[0] is "a" or "an")
            {
                (aOther, bOther) = (a.WithAnother(), b.WithAnother());
            }
        }

        // The finite clause goes first when only one caption has one ("A car idles with birds chirping").
        var swap = a.Shape != Shape.Finite && b.Shape == Shape.Finite;
        var preferred = (swap ? Patterns(b, aOther) : Patterns(a, bOther)).ToList();
        var others = swap ? Patterns(a, bOther) : Patterns(b, aOther);
        // Rotate the preferred patterns by a seeded draw so a dataset's merges do not all use one connective.
        var random = DeterministicRandom.ForUnit(seed, StableHash(a.Text + "\u0001" + b.Text), stream: 0x3E26E);
        var rotate = preferred.Count == 0 ? 0 : random.NextInt(preferred.Count);
        candidates.AddRange(preferred.Skip(rotate).Concat(preferred.Take(rotate)).Concat(others));

        return candidates.Select(Finish).Distinct(StringComparer.Ordinal).Take(variants).ToArray();
    }

    /// <summary>Connective patterns for "<paramref name="x"/> … <paramref name="y"/>", most natural first.</summary>
    private static IEnumerable<string> Patterns(Clause x, Clause y)
    {
        var suffix = SharedPlace(x, y);
        var xText = suffix is null ? x.Text : x.WithoutLast(suffix.Value.Length);
        var yText = y.Lowered;
        var tail = string.Empty;
        if (suffix is not null)
        {
            yText = Clause.LowerFirst(y.WithoutLast(suffix.Value.Length));
            tail = " " + suffix.Value.Text;
        }

        // "and" is left out when a caption already has one ("A dog growls and barks and a man yells").
        var and = !x.Has("and") && !y.Has("and");
        switch (x.Shape, y.Shape)
        {
            case (Shape.Finite, Shape.Finite):
                if (!x.Has("while") && !y.Has("while"))
                {
                    yield return $"{xText} while {yText}{tail}";
                }

                if (!x.Has("as") && !y.Has("as"))
                {
                    yield return $"{xText} as {yText}{tail}";
                }

                if (and)
                {
                    yield return $"{xText} and {yText}{tail}";
                }

                break;
            case (Shape.Finite, Shape.Participle):
                if (!y.Has("with"))
                {
                    yield return $"{xText} with {yText}{tail}";
                }

                yield return $"{xText} along with {yText}{tail}";
                break;
            case (Shape.Finite, Shape.Noun):
                yield return $"{xText} amid {yText}{tail}";
                if (!y.Has("with"))
                {
                    yield return $"{xText} with {yText}{tail}";
                }

                break;
            case (Shape.Participle or Shape.Noun, Shape.Participle or Shape.Noun):
                if (and)
                {
                    yield return $"{xText} and {yText}{tail}";
                }

                yield return $"{xText} along with {yText}{tail}";
                yield return $"{xText} as well as {yText}{tail}";
                break;
            default:
                // A phrase before a clause: "Birds chirping in the background while a car engine idles" (AudioCaps style).
                if (!x.Has("while") && !y.Has("while"))
                {
                    yield return $"{xText} while {yText}{tail}";
                }
                else if (and)
                {
                    yield return $"{xText} and {yText}{tail}";
                }

                break;
        }
    }

    /// <summary>
    /// The length in words of a subject both captions open with ("a man" in "A man speaks" / "A man coughs"),
    /// followed in both by a verb; null when they do not share one.
    /// </summary>
    private static int? SharedSubject(Clause a, Clause b)
    {
        var max = Math.Min(a.Keys.Length, b.Keys.Length) - 1;
        var common = 0;
        while (common < max && a.Keys[common] == b.Keys[common])
        {
            common++;
        }

        for (var length = common; length >= 1; length--)
        {
            if (a.Keys.Take(length).All(CaptionText.IsFunctionWord))
            {
                break;
            }

            if (IsVerbLike(a.Keys[length]) && IsVerbLike(b.Keys[length]) && a.Shape == b.Shape && a.Shape != Shape.Noun)
            {
                return length;
            }
        }

        return null;
    }

    /// <summary>A trailing place phrase both captions share ("… in the distance"), at least two words starting with a preposition.</summary>
    private static (int Length, string Text)? SharedPlace(Clause x, Clause y)
    {
        var common = 0;
        while (common < Math.Min(x.Keys.Length, y.Keys.Length) - 2 && x.Keys[^(common + 1)] == y.Keys[^(common + 1)])
        {
            common++;
        }

        for (var length = common; length >= 2; length--)
        {
            if (Prepositions.Contains(x.Keys[^length]))
            {
                return (length, string.Join(' ', x.Words.Skip(x.Words.Length - length)));
            }
        }

        return null;
    }

    private static bool IsVerbLike(string key) =>
        Auxiliaries.Contains(key) || (!NotVerbs.Contains(key) && key.Length > 3 && (key.EndsWith("ing", StringComparison.Ordinal) || key.EndsWith("ed", StringComparison.Ordinal) || (key.EndsWith('s') && !key.EndsWith("ss", StringComparison.Ordinal))));

    /// <summary>Final shape: one sentence, capital first letter, single final period, no doubled words, a/an agreement.</summary>
    internal static string Finish(string text)
    {
        var words = Spaces().Split(text.Trim()).Where(w => w.Length > 0).ToList();
        var kept = new List<string>(words.Count);
        foreach (var w in words)
        {
            if (kept.Count > 0 && Key(kept[^1]) == Key(w) && Key(w).Length > 0 && !kept[^1].EndsWith(',')) 
            {
                continue;
            }

            kept.Add(w);
        }

        for (var i = 0; i + 1 < kept.Count; i++)
        {
            var k = Key(kept[i]);
            if (k is "a" or "an")
            {
                var article = StartsWithVowelSound(Key(kept[i + 1])) ? "an" : "a";
                kept[i] = char.IsUpper(kept[i][0]) ? CaptionText.Capitalise(article) : article;
            }
        }

        var sentence = string.Join(' ', kept).TrimEnd(' ', '.', ',', ';', ':', '!', '?');
        return CaptionText.Capitalise(sentence) + ".";
    }

    private static bool StartsWithVowelSound(string word)
    {
        if (word.Length == 0)
        {
            return false;
        }

        if (word.StartsWith("hour", StringComparison.Ordinal) || word.StartsWith("honest", StringComparison.Ordinal))
        {
            return true;
        }

        if (word.StartsWith("uni", StringComparison.Ordinal) || word.StartsWith("use", StringComparison.Ordinal) || word.StartsWith("usu", StringComparison.Ordinal) || word.StartsWith("one", StringComparison.Ordinal) || word.StartsWith("eu", StringComparison.Ordinal) || word.StartsWith("ute", StringComparison.Ordinal))
        {
            return false;
        }

        return word[0] is 'a' or 'e' or 'i' or 'o' or 'u';
    }

    internal static string Key(string word) => word.Trim(',', '.', ';', ':', '!', '?', '"', '\'', '(', ')').ToLowerInvariant();

    private static long StableHash(string text)
    {
        // FNV-1a: string.GetHashCode is randomised per process, and the pattern choice must be reproducible.
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return (long)(h >> 1);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*[.!?;]+\s+(?=\S)")]
    private static partial Regex SentenceBreaks();

    private enum Shape
    {
        Finite,
        Participle,
        Noun,
    }

    /// <summary>One normalised caption: words with original casing (no final punctuation) and comparison keys.</summary>
    private sealed class Clause
    {
        private Clause(string[] words)
        {
            Words = words;
            Keys = words.Select(Key).ToArray();
            Text = string.Join(' ', words);
            Shape = Classify(Keys);
        }

        public string[] Words { get; }

        public string[] Keys { get; }

        public string Text { get; }

        public Shape Shape { get; }

        /// <summary>The clause with its first word lower-cased, for use after a connective.</summary>
        public string Lowered => LowerFirst(Text);

        public bool Has(string key) => Keys.Contains(key, StringComparer.Ordinal);

        /// <summary>One clause: no inner conjunction, connective or comma.</summary>
        public bool IsSingleClause => !Keys.Any(k => k is "and" or "while" or "as" or "then" or "but" or "when" or "whilst") && !Text.Contains(',', StringComparison.Ordinal);

        /// <summary>"A man coughs" → "another man coughs" (the clause's leading a/an replaced).</summary>
        public Clause WithAnother() => Keys[0] is "a" or "an" ? Parse("another " + string.Join(' ', Words.Skip(1))) : this;

        public string WithoutLast(int count) => string.Join(' ', Words.Take(Words.Length - count)).TrimEnd(',');

        public static Clause Parse(string caption)
        {
            var text = caption.Replace('\n', ' ').Replace('\r', ' ').Replace('’', '\'').Trim();
            // Several sentences become one: "A car passes. A dog barks." → "A car passes and a dog barks".
            text = SentenceBreaks().Replace(text, " and ");
            text = text.TrimEnd(' ', '.', ',', ';', ':', '!', '?');
            var words = Spaces().Split(text).Where(w => w.Length > 0).ToList();
            for (var i = 1; i < words.Count; i++)
            {
                if (words[i - 1] == "and" && i >= 1)
                {
                    words[i] = LowerFirst(words[i]);
                }
            }

            var deduped = new List<string>(words.Count);
            foreach (var w in words)
            {
                if (deduped.Count == 0 || Key(deduped[^1]) != Key(w))
                {
                    deduped.Add(w);
                }
            }

            if (deduped.Count > 0)
            {
                deduped[0] = CaptionText.Capitalise(deduped[0]);
            }

            return new Clause(deduped.ToArray());
        }

        /// <summary>Lower-cases the first word unless it is "I" or an acronym ("TV", "DJ").</summary>
        public static string LowerFirst(string text)
        {
            if (text.Length == 0)
            {
                return text;
            }

            var end = text.IndexOf(' ', StringComparison.Ordinal);
            var first = end < 0 ? text : text[..end];
            if (first == "I" || (first.Length > 1 && first.All(c => !char.IsLetter(c) || char.IsUpper(c))))
            {
                return text;
            }

            return char.ToLowerInvariant(text[0]) + text[1..];
        }

        private static readonly HashSet<string> IrregularPlurals = new(StringComparer.Ordinal) { "people", "children", "men", "women", "sheep", "geese", "mice", "cattle", "police" };

        private static bool IsPlural(string key) =>
            IrregularPlurals.Contains(key) || (key.Length > 3 && key.EndsWith('s') && !key.EndsWith("ss", StringComparison.Ordinal) && !key.EndsWith("us", StringComparison.Ordinal) && !key.EndsWith("'s", StringComparison.Ordinal) && !CaptionText.IsFunctionWord(key));

        private static Shape Classify(string[] keys)
        {
            if (keys.Any(Auxiliaries.Contains))
            {
                return Shape.Finite;
            }

            for (var i = 1; i < keys.Length; i++)
            {
                var k = keys[i];
                if (Prepositions.Contains(keys[i - 1]) || CaptionText.IsFunctionWord(keys[i - 1]) && keys[i - 1] is not ("and" or "then" or "while"))
                {
                    // After a preposition or article the word is a noun ("on the rocks").
                    continue;
                }

                if (k.EndsWith("ing", StringComparison.Ordinal) && k.Length > 4)
                {
                    return Shape.Participle;
                }

                // A plural subject takes the base form: "Seagulls squawk", "People cheer", "Wind chimes tinkle".
                if (IsPlural(keys[i - 1]) && !IsPlural(k) && !CaptionText.IsFunctionWord(k) && !Prepositions.Contains(k))
                {
                    return Shape.Finite;
                }

                if (!NotVerbs.Contains(k) && k.Length > 3 && !k.EndsWith("ss", StringComparison.Ordinal) && !k.EndsWith("'s", StringComparison.Ordinal) && (k.EndsWith('s') || k.EndsWith("ed", StringComparison.Ordinal)))
                {
                    return Shape.Finite;
                }
            }

            return keys.Any(k => k.EndsWith("ing", StringComparison.Ordinal) && k.Length > 4) ? Shape.Participle : Shape.Noun;
        }
    }
}
