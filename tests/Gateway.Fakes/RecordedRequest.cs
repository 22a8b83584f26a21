using System.Text;
using System.Text.Json;
using Gateway.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>One request a fake server received, kept whole so tests can assert on the wire format.</summary>
/// <param name="Form">Decoded form fields in order (repeated names kept); empty for non-form bodies.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    byte[] RawBody)
{
    public string BodyText => Encoding.UTF8.GetString(RawBody);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>The first value of a form field, or null.</summary>
    public string? FormValue(string name) => Form.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();

    /// <summary>The body parsed as JSON (cloned, so it outlives this call).</summary>
    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(RawBody);
        return doc.RootElement.Clone();
    }

    internal static async Task<RecordedRequest> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers) headers[name] = values.ToString();
        var form = request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? FormUrlEncoding.Parse(raw)
            : [];
        return new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", headers, form, raw);
    }
}
