using System.Text;

namespace Gateway.Channels;

/// <summary>
/// <c>application/x-www-form-urlencoded</c> read from raw bytes, keeping order and repeated names.
/// Done by hand because Twilio signs the decoded values: <c>+</c> is a space and <c>%XX</c> escapes are
/// bytes of UTF-8, whatever charset the request claims.
/// </summary>
public static class FormUrlEncoding
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> body)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        while (!body.IsEmpty)
        {
            var amp = body.IndexOf((byte)'&');
            var field = amp < 0 ? body : body[..amp];
            body = amp < 0 ? [] : body[(amp + 1)..];
            if (field.IsEmpty) continue;

            var eq = field.IndexOf((byte)'=');
            var name = Decode(eq < 0 ? field : field[..eq]);
            var value = eq < 0 ? "" : Decode(field[(eq + 1)..]);
            pairs.Add(new(name, value));
        }
        return pairs;
    }

    /// <summary>Parses a query string (with or without the leading <c>?</c>), the same way as a body.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string query)
    {
        if (query.StartsWith('?')) query = query[1..];
        return Parse(Encoding.UTF8.GetBytes(query));
    }

    /// <summary>The query string of a URL as sent (no <c>?</c>, no fragment), or "" when there is none.</summary>
    public static string QueryOf(string url)
    {
        var hash = url.IndexOf('#');
        if (hash >= 0) url = url[..hash];
        var q = url.IndexOf('?');
        return q < 0 ? "" : url[(q + 1)..];
    }

    /// <summary>Encodes pairs as a form body (UTF-8, space as <c>+</c>).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join('&', pairs.Select(p => EscapeComponent(p.Key) + "=" + EscapeComponent(p.Value)));

    private static string EscapeComponent(string s) => Uri.EscapeDataString(s).Replace("%20", "+");

    private static string Decode(ReadOnlySpan<byte> raw)
    {
        var bytes = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == '+') { bytes[n++] = (byte)' '; continue; }
            if (b == '%' && i + 2 < raw.Length && Hex(raw[i + 1]) is var hi and >= 0 && Hex(raw[i + 2]) is var lo and >= 0)
            {
                bytes[n++] = (byte)(hi << 4 | lo);
                i += 2;
                continue;
            }
            // A stray '%' is kept literally, as browsers and twilio-node's body parser do.
            bytes[n++] = b;
        }
        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
