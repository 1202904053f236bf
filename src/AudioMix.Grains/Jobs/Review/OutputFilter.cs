using System.Globalization;
using System.Text.Json;

namespace AudioMix.Grains.Jobs.Review;

/// <summary>
/// A filter over job outputs, parsed from a small expression language: comparisons of a field with a literal, joined by
/// <c>and</c>/<c>or</c>, negated by <c>not</c>, grouped by parentheses:
/// <code>ps.vocals &lt; 0.6 and review = pending</code>, <code>gridOffsetMs &gt; 20 or label = 'dog'</code>,
/// <code>caption ~ rain</code> (contains, case-insensitive).
/// Operators: <c>&lt; &lt;= &gt; &gt;= = == != ~</c>. A field is resolved on each output as: a metric of that exact name
/// (<c>ps.vocals</c>, <c>gridOffsetMs</c>); one of <c>review</c>, <c>label</c>, <c>op</c>, <c>caption</c>, <c>text</c>,
/// <c>error</c>, <c>index</c>, <c>duration</c>; <c>metrics.NAME</c>; <c>softLabels.NAME</c>; else a dotted path into the
/// provenance (<c>lambda</c>, <c>provenance.sources.0.gainDb</c>). A field an output does not have makes the comparison
/// false. Nothing is evaluated but comparisons, and the input is bounded (<see cref="MaxLength"/>), so a filter from a
/// request is safe to run; bad input throws <see cref="ArgumentException"/> naming the position and what was expected.
/// </summary>
public sealed class OutputFilter
{
    /// <summary>Longest accepted expression, characters.</summary>
    public const int MaxLength = 1000;

    private readonly Node _root;

    private OutputFilter(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="ArgumentException"/> with the position of the problem.</summary>
    public static OutputFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ArgumentException($"Filter is {text.Length} characters long; at most {MaxLength} are allowed.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Filter is empty: write a comparison such as ps.vocals < 0.6.");
        }

        var parser = new Parser(Tokenizer.Tokenize(text));
        var root = parser.ParseExpression();
        parser.ExpectEnd();
        return new OutputFilter(text, root);
    }

    /// <summary>True when <paramref name="output"/> passes the filter; provenance fields are read through <paramref name="cache"/> when given.</summary>
    public bool Matches(JobOutput output, FieldCache? cache = null)
    {
        using var fields = new OutputFields(output, cache);
        return _root.Evaluate(fields);
    }

    /// <summary>The value of <paramref name="field"/> on <paramref name="output"/>, for sorting: a number, a string, or null.</summary>
    public static IComparable? SortKey(JobOutput output, string field, FieldCache? cache = null)
    {
        using var fields = new OutputFields(output, cache);
        return fields.Resolve(field) switch
        {
            FieldValue.Number n => n.Value,
            FieldValue.Text t => t.Value,
            _ => null,
        };
    }

    /// <summary>Checks that <paramref name="field"/> is a field name (for sorting); throws <see cref="ArgumentException"/> otherwise.</summary>
    public static string CheckField(string field)
    {
        var tokens = Tokenizer.Tokenize(field);
        if (tokens.Count != 2 || tokens[0].Kind != TokenKind.Word)
        {
            throw new ArgumentException($"Sort field '{field}' is not a field name (e.g. ps.vocals, gridOffsetMs, label, review).");
        }

        return tokens[0].Text;
    }

    private abstract record Node
    {
        public abstract bool Evaluate(OutputFields fields);
    }

    private sealed record And(Node Left, Node Right) : Node
    {
        public override bool Evaluate(OutputFields fields) => Left.Evaluate(fields) && Right.Evaluate(fields);
    }

    private sealed record Or(Node Left, Node Right) : Node
    {
        public override bool Evaluate(OutputFields fields) => Left.Evaluate(fields) || Right.Evaluate(fields);
    }

    private sealed record Not(Node Inner) : Node
    {
        public override bool Evaluate(OutputFields fields) => !Inner.Evaluate(fields);
    }

    private sealed record Comparison(string Field, string Operator, string Literal, double? Number) : Node
    {
        public override bool Evaluate(OutputFields fields)
        {
            var value = fields.Resolve(Field);
            switch (value)
            {
                case FieldValue.Number n when Number is { } number:
                    return Operator switch
                    {
                        "<" => n.Value < number,
                        "<=" => n.Value <= number,
                        ">" => n.Value > number,
                        ">=" => n.Value >= number,
                        "=" => n.Value == number,
                        "!=" => n.Value != number,
                        _ => n.Value.ToString(CultureInfo.InvariantCulture).Contains(Literal, StringComparison.OrdinalIgnoreCase),
                    };
                case FieldValue.Number n:
                    // A number compared with text: only (in)equality and contains make sense.
                    return Operator switch
                    {
                        "!=" => true,
                        "~" => n.Value.ToString(CultureInfo.InvariantCulture).Contains(Literal, StringComparison.OrdinalIgnoreCase),
                        _ => false,
                    };
                case FieldValue.Text t:
                    var order = string.Compare(t.Value, Literal, StringComparison.OrdinalIgnoreCase);
                    return Operator switch
                    {
                        "<" => order < 0,
                        "<=" => order <= 0,
                        ">" => order > 0,
                        ">=" => order >= 0,
                        "=" => order == 0,
                        "!=" => order != 0,
                        _ => t.Value.Contains(Literal, StringComparison.OrdinalIgnoreCase),
                    };
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Provenance field values already read, per field and unit index, so that repeated queries over the same outputs
    /// (the next page, another sort, a bulk review after a filtered view) do not parse every provenance again: parsing
    /// was nearly all of a filtered page's cost. An entry is valid while the output's provenance is the same string
    /// instance (outputs are immutable records; a re-recorded output brings a new one). One cache per shard activation,
    /// not thread-safe (a grain runs one call at a time); bounded by outputs × <see cref="MaxFields"/>.
    /// </summary>
    public sealed class FieldCache
    {
        /// <summary>Distinct fields kept; a query naming more starts the cache over.</summary>
        public const int MaxFields = 16;

        private readonly Dictionary<string, Dictionary<int, (string Provenance, FieldValue? Value)>> _byField = new(StringComparer.Ordinal);

        /// <summary>Values held (for tests and diagnostics).</summary>
        public int Count => _byField.Values.Sum(v => v.Count);

        internal bool TryGet(string field, JobOutput output, out FieldValue? value)
        {
            if (_byField.TryGetValue(field, out var values) && values.TryGetValue(output.Index, out var entry) && ReferenceEquals(entry.Provenance, output.ProvenanceJson))
            {
                value = entry.Value;
                return true;
            }

            value = null;
            return false;
        }

        internal void Set(string field, JobOutput output, FieldValue? value)
        {
            if (!_byField.TryGetValue(field, out var values))
            {
                if (_byField.Count >= MaxFields)
                {
                    _byField.Clear();
                }

                _byField[field] = values = [];
            }

            values[output.Index] = (output.ProvenanceJson, value);
        }
    }

    internal abstract record FieldValue
    {
        public sealed record Number(double Value) : FieldValue;

        public sealed record Text(string Value) : FieldValue;
    }

    /// <summary>An output's fields, resolved lazily (the provenance is parsed at most once, and only when a path is not cached).</summary>
    private sealed class OutputFields(JobOutput output, FieldCache? cache) : IDisposable
    {
        private JsonDocument? _provenance;

        public void Dispose() => _provenance?.Dispose();

        public FieldValue? Resolve(string field)
        {
            if (output.Metrics is { } metrics && metrics.TryGetValue(field, out var metric))
            {
                return Num(metric);
            }

            switch (field.ToLowerInvariant())
            {
                case "review":
                    return new FieldValue.Text(output.Review.ToString().ToLowerInvariant());
                case "label":
                    return Str(output.Label);
                case "op":
                    return new FieldValue.Text(output.Op);
                case "caption":
                    return Str(output.Caption);
                case "text":
                    return Str(output.Text);
                case "error":
                    return Str(output.Error);
                case "index":
                    return new FieldValue.Number(output.Index);
                case "duration":
                    return Num(output.Duration);
            }

            if (field.StartsWith("metrics.", StringComparison.OrdinalIgnoreCase))
            {
                return output.Metrics?.TryGetValue(field["metrics.".Length..], out var m) == true ? Num(m) : null;
            }

            if (field.StartsWith("softLabels.", StringComparison.OrdinalIgnoreCase))
            {
                return output.SoftLabels?.TryGetValue(field["softLabels.".Length..], out var w) == true ? Num(w) : null;
            }

            if (cache is not null && cache.TryGet(field, output, out var cached))
            {
                return cached;
            }

            var value = FromProvenance(field);
            cache?.Set(field, output, value);
            return value;
        }

        private FieldValue? FromProvenance(string field)
        {
            _provenance ??= JsonDocument.Parse(output.ProvenanceJson);
            var path = field.StartsWith("provenance.", StringComparison.OrdinalIgnoreCase) ? field["provenance.".Length..] : field;
            var node = _provenance.RootElement;
            foreach (var part in path.Split('.'))
            {
                if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(part, out var child))
                {
                    node = child;
                }
                else if (node.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < node.GetArrayLength())
                {
                    node = node[i];
                }
                else
                {
                    return null;
                }
            }

            return node.ValueKind switch
            {
                JsonValueKind.Number when node.TryGetDouble(out var d) => Num(d),
                JsonValueKind.String => new FieldValue.Text(node.GetString()!),
                JsonValueKind.True => new FieldValue.Text("true"),
                JsonValueKind.False => new FieldValue.Text("false"),
                _ => null,
            };
        }

        private static FieldValue.Number? Num(double value) => double.IsFinite(value) ? new FieldValue.Number(value) : null;

        private static FieldValue.Text? Str(string? value) => value is null ? null : new FieldValue.Text(value);
    }

    private enum TokenKind
    {
        Word,
        Number,
        String,
        Operator,
        Open,
        Close,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, int Position);

    private static class Tokenizer
    {
        public static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')')
                {
                    tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString(), i));
                    i++;
                }
                else if (c is '<' or '>' or '=' or '!' or '~')
                {
                    var two = i + 1 < text.Length && text[i + 1] == '=' && c != '~';
                    var op = two ? text.Substring(i, 2) : c.ToString();
                    if (op == "!")
                    {
                        throw new ArgumentException($"Filter position {i + 1}: '!' must be followed by '=' (use != or not).");
                    }

                    tokens.Add(new Token(TokenKind.Operator, op == "==" ? "=" : op, i));
                    i += op.Length;
                }
                else if (c is '\'' or '"')
                {
                    var end = text.IndexOf(c, i + 1);
                    if (end < 0)
                    {
                        throw new ArgumentException($"Filter position {i + 1}: the string starting here is not closed with {c}.");
                    }

                    tokens.Add(new Token(TokenKind.String, text[(i + 1)..end], i));
                    i = end + 1;
                }
                else if (char.IsDigit(c) || ((c is '-' or '+' or '.') && i + 1 < text.Length && char.IsDigit(text[i + 1])))
                {
                    var start = i++;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' || (text[i] is '-' or '+' && text[i - 1] is 'e' or 'E')))
                    {
                        i++;
                    }

                    var literal = text[start..i];
                    if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        throw new ArgumentException($"Filter position {start + 1}: '{literal}' is not a number.");
                    }

                    tokens.Add(new Token(TokenKind.Number, literal, start));
                }
                else if (char.IsLetter(c) || c == '_')
                {
                    var start = i++;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Word, text[start..i], start));
                }
                else
                {
                    throw new ArgumentException($"Filter position {i + 1}: unexpected '{c}'.");
                }
            }

            tokens.Add(new Token(TokenKind.End, string.Empty, text.Length));
            return tokens;
        }
    }

    private sealed class Parser(List<Token> tokens)
    {
        // Nesting is bounded so a hostile expression cannot exhaust the stack.
        private const int MaxDepth = 32;
        private int _at;
        private int _depth;

        private Token Peek => tokens[_at];

        public Node ParseExpression()
        {
            if (++_depth > MaxDepth)
            {
                throw new ArgumentException($"Filter position {Peek.Position + 1}: nested more than {MaxDepth} deep.");
            }

            var left = ParseAnd();
            while (IsKeyword(Peek, "or"))
            {
                _at++;
                left = new Or(left, ParseAnd());
            }

            _depth--;
            return left;
        }

        public void ExpectEnd()
        {
            if (Peek.Kind != TokenKind.End)
            {
                throw new ArgumentException($"Filter position {Peek.Position + 1}: expected 'and', 'or' or the end, found '{Peek.Text}'.");
            }
        }

        private Node ParseAnd()
        {
            var left = ParseUnary();
            while (IsKeyword(Peek, "and"))
            {
                _at++;
                left = new And(left, ParseUnary());
            }

            return left;
        }

        private Node ParseUnary()
        {
            var token = Peek;
            if (IsKeyword(token, "not"))
            {
                _at++;
                return new Not(ParseUnary());
            }

            if (token.Kind == TokenKind.Open)
            {
                _at++;
                var inner = ParseExpression();
                if (Peek.Kind != TokenKind.Close)
                {
                    throw new ArgumentException($"Filter position {Peek.Position + 1}: expected ')' to close the '(' at position {token.Position + 1}.");
                }

                _at++;
                return inner;
            }

            if (token.Kind != TokenKind.Word || IsKeyword(token, "and") || IsKeyword(token, "or"))
            {
                throw new ArgumentException($"Filter position {token.Position + 1}: expected a field name (e.g. ps.vocals, label, review), found '{(token.Kind == TokenKind.End ? "the end" : token.Text)}'.");
            }

            _at++;
            var op = Peek;
            if (op.Kind != TokenKind.Operator)
            {
                throw new ArgumentException($"Filter position {op.Position + 1}: expected an operator (< <= > >= = != ~) after '{token.Text}', found '{(op.Kind == TokenKind.End ? "the end" : op.Text)}'.");
            }

            _at++;
            var value = Peek;
            if (value.Kind is not (TokenKind.Number or TokenKind.String or TokenKind.Word))
            {
                throw new ArgumentException($"Filter position {value.Position + 1}: expected a value after '{token.Text} {op.Text}', found '{(value.Kind == TokenKind.End ? "the end" : value.Text)}'.");
            }

            _at++;
            double? number = value.Kind == TokenKind.Number ? double.Parse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
            return new Comparison(token.Text, op.Text, value.Text, number);
        }

        private static bool IsKeyword(Token token, string keyword) =>
            token.Kind == TokenKind.Word && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);
    }
}
