using System.Text.Json;

namespace AudioMix.Web.Services;

/// <summary>
/// What the browser's upload to <c>POST /api/datasets/{id}/items</c> came back with, read from the
/// HTTP status and body the upload script hands over: accepted file names, and refused files with the
/// server's reason for each.
/// </summary>
internal sealed record UploadOutcome(int Status, IReadOnlyList<string> Accepted, IReadOnlyList<UploadRejection> Rejected, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public static UploadOutcome Failed(string error) => new(0, [], [], error);

    public static UploadOutcome Parse(int status, string? body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
        }
        catch (JsonException)
        {
            return new UploadOutcome(status, [], [], status is >= 200 and < 300 ? "The server's answer was not JSON." : $"HTTP {status}: {Truncate(body)}");
        }

        using (document)
        {
            var root = document.RootElement;
            var accepted = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("accepted", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(e => Text(e, "fileName") ?? "?").ToArray()
                : [];
            var rejected = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(e => new UploadRejection(Text(e, "fileName") ?? "?", Text(e, "error") ?? "rejected")).ToArray()
                : [];
            string? error = null;
            if (status is < 200 or >= 300)
            {
                // Problem details (RFC 9457): the title says what went wrong, the detail why.
                error = (root.ValueKind == JsonValueKind.Object ? Text(root, "title") : null) ?? $"HTTP {status}";
                if (rejected.Length == 0 && root.ValueKind == JsonValueKind.Object && Text(root, "detail") is { } detail)
                {
                    error += ": " + detail;
                }
            }

            return new UploadOutcome(status, accepted, rejected, error);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 200 ? text : text[..200] + "…";
}
