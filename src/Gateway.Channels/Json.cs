using System.Globalization;
using System.Text.Json;

namespace Gateway.Channels;

/// <summary>Lenient reads: providers send ids and numbers sometimes as strings, sometimes as numbers.</summary>
internal static class Json
{
    public static string? String(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            // Raw text keeps a 64-bit id exact (never via double).
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }

    public static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static int? Int(JsonElement obj, string name) =>
        String(obj, name) is { } s && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>Parses a webhook body; a body that is not JSON is a 400 that carries the parser's reason.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JsonDocument? doc,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out InboundResult.Rejected? error)
    {
        try
        {
            doc = JsonDocument.Parse(body);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            doc = null;
            error = InboundResult.Malformed($"body is not JSON: {e.Message}");
            return false;
        }
    }
}
