using System.Text;
using System.Text.Json;

namespace AudioMix.Web.Services;

/// <summary>Annotations of one file from an audiofolder <c>metadata.jsonl</c> or <c>metadata.csv</c>.</summary>
internal sealed record ItemAnnotations(IReadOnlyList<string> Labels, string? Caption, string? Text, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>
/// The Hugging Face audiofolder convention: a <c>metadata.jsonl</c> or <c>metadata.csv</c> whose
/// <c>file_name</c> column names each audio file, plus columns such as <c>label</c>, <c>caption</c>, <c>text</c>.
/// </summary>
internal static class DatasetMetadata
{
    public static bool IsMetadataFile(string fileName) =>
        Path.GetFileName(fileName) is "metadata.jsonl" or "metadata.csv";

    /// <summary>Parses the file into annotations keyed by normalised file name; errors name the line.</summary>
    public static Dictionary<string, ItemAnnotations> Parse(string fileName, string content) =>
        Path.GetFileName(fileName) == "metadata.csv" ? ParseCsv(content) : ParseJsonLines(content);

    public static string NormalizeName(string name) => name.Replace('\\', '/').TrimStart('.', '/');

    private static Dictionary<string, ItemAnnotations> ParseJsonLines(string content)
    {
        var result = new Dictionary<string, ItemAnnotations>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in content.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    // Found by fuzzing (targz): a line holding a number or an array reached TryGetProperty, which throws
                    // InvalidOperationException on non-objects — an upload answered 500 instead of naming the line.
                    throw new FormatException($"expected a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}");
                }

                var file = root.TryGetProperty("file_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw new FormatException("no file_name");
                var labels = new List<string>();
                foreach (var name in new[] { "label", "labels" })
                {
                    if (root.TryGetProperty(name, out var l))
                    {
                        if (l.ValueKind == JsonValueKind.Array)
                        {
                            labels.AddRange(l.EnumerateArray().Select(e => e.ToString()));
                        }
                        else if (l.ValueKind is not JsonValueKind.Null)
                        {
                            labels.Add(l.ToString());
                        }
                    }
                }

                // Fields we do not interpret are kept verbatim (as JSON text) for the ops that do.
                var extra = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in root.EnumerateObject().Where(p => !KnownFields.Contains(p.Name)))
                {
                    extra[property.Name] = property.Value.GetRawText();
                }

                result[NormalizeName(file)] = new ItemAnnotations(
                    labels, Text(root, "caption"), Text(root, "text") ?? Text(root, "transcript") ?? Text(root, "sentence"), extra.Count > 0 ? extra : null);
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                throw new FormatException($"metadata.jsonl line {lineNumber}: {ex.Message}", ex);
            }
        }

        return result;
    }

    private static readonly HashSet<string> KnownFields = ["file_name", "label", "labels", "caption", "text", "transcript", "sentence"];

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Dictionary<string, ItemAnnotations> ParseCsv(string content)
    {
        var rows = ReadCsv(content);
        if (rows.Count == 0)
        {
            return [];
        }

        var header = rows[0].Select(h => h.Trim()).ToList();
        var fileColumn = header.IndexOf("file_name");
        if (fileColumn < 0)
        {
            throw new FormatException("metadata.csv has no file_name column.");
        }

        int Column(params string[] names) => names.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        var label = Column("label", "labels");
        var caption = Column("caption");
        var text = Column("text", "transcript", "sentence");
        var result = new Dictionary<string, ItemAnnotations>(StringComparer.Ordinal);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count == 1 && string.IsNullOrWhiteSpace(row[0]))
            {
                continue;
            }

            if (row.Count != header.Count)
            {
                throw new FormatException($"metadata.csv row {r + 1} has {row.Count} fields, the header has {header.Count}.");
            }

            string? Cell(int i) => i >= 0 && row[i].Length > 0 ? row[i] : null;
            var labels = Cell(label) is { } l ? l.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            var extra = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < header.Count; c++)
            {
                if (!KnownFields.Contains(header[c]) && Cell(c) is { } value)
                {
                    extra[header[c]] = JsonSerializer.Serialize(value);
                }
            }

            result[NormalizeName(row[fileColumn])] = new ItemAnnotations(labels, Cell(caption), Cell(text), extra.Count > 0 ? extra : null);
        }

        return result;
    }

    // RFC 4180: quoted fields may hold commas, doubled quotes and newlines.
    private static List<List<string>> ReadCsv(string content)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < content.Length && content[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < content.Length && content[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
