using System.Security.Cryptography;
using System.Text;

namespace Gateway.Channels.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c>: Base64(HMAC-SHA1(AuthToken, URL + sorted form parameters)), as twilio-node 6.2.0
/// computes and checks it (protocols.md §A2). URLs are handled as strings throughout: <see cref="Uri"/> hides an
/// explicit <c>:443</c> and would make a valid request fail (vector twilio-vi-03).
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>The signature Twilio would send for a form POST (<paramref name="form"/>) or, with no form, a GET or JSON request.</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? form = null)
    {
        var data = StringToSign(url, form ?? []);
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// The URL followed by name+value for each parameter, names in ordinal order. A repeated name contributes each
    /// distinct value once, values sorted (twilio-node semantics; twilio-csharp's comma join fails vectors off-10/11).
    /// </summary>
    public static string StringToSign(string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var sb = new StringBuilder(url);
        foreach (var group in form.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var value in group.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                sb.Append(group.Key).Append(value);
        return sb.ToString();
    }

    /// <summary>Checks a form POST (pass its decoded parameters) or a GET (pass none) against every URL variant.</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? form, string? signature)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(signature)) return false;
        var pairs = form?.ToList() ?? [];
        var expected = Encoding.UTF8.GetBytes(signature);
        var match = false;
        // Every variant is computed, so the time taken does not tell which variant matched.
        foreach (var candidate in UrlVariants(url))
            match |= CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compute(authToken, candidate, pairs)), expected);
        return match;
    }

    /// <summary>
    /// Checks a JSON-bodied request: the URL (which carries <c>bodySHA256</c>) is signed with no parameters, and the
    /// body must hash to <c>bodySHA256</c>. A URL without <c>bodySHA256</c> leaves the body unauthenticated: false.
    /// </summary>
    public static bool IsValidWithBody(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        var claimed = BodySha256Of(url);
        if (claimed is null) return false;
        var urlOk = IsValid(authToken, url, null, signature);
        var actual = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(body)));
        var bodyOk = CryptographicOperations.FixedTimeEquals(actual, Encoding.ASCII.GetBytes(claimed.ToLowerInvariant()));
        return urlOk && bodyOk;
    }

    /// <summary>The <c>bodySHA256</c> query parameter Twilio adds for JSON bodies, or null.</summary>
    public static string? BodySha256Of(string url) =>
        FormUrlEncoding.ParseQuery(FormUrlEncoding.QueryOf(url))
            .Where(p => p.Key == "bodySHA256").Select(p => p.Value).FirstOrDefault();

    /// <summary>
    /// The URL as received, without its port if it has one, or with the scheme's default port if it has none.
    /// Twilio's back end is inconsistent about ports, so both SDKs accept any of these. Fragments are never sent
    /// over HTTP, so one is dropped.
    /// </summary>
    public static IReadOnlyList<string> UrlVariants(string url)
    {
        var hash = url.IndexOf('#');
        if (hash >= 0) url = url[..hash];

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return [url];
        var scheme = url[..schemeEnd];
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;
        var authority = url[authorityStart..authorityEnd];
        var rest = url[authorityEnd..];

        // host[:port], after any user:password@, and not inside an IPv6 literal's brackets.
        var hostStart = authority.LastIndexOf('@') + 1;
        var colon = authority.LastIndexOf(':');
        var hasPort = colon > hostStart && colon > authority.LastIndexOf(']') && authority[(colon + 1)..].All(char.IsAsciiDigit) && colon < authority.Length - 1;

        var head = url[..authorityStart];
        if (hasPort) return [url, head + authority[..colon] + rest];

        var defaultPort = scheme.ToLowerInvariant() switch { "https" => "443", "http" => "80", _ => null };
        return defaultPort is null ? [url] : [url, head + authority + ":" + defaultPort + rest];
    }
}
