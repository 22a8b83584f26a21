using System.Security.Cryptography;
using System.Text;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>Provider signatures, computed the way the providers do (protocols.md §A2, §B2).</summary>
public static class Signing
{
    /// <summary>X-Twilio-Signature: Base64(HMAC-SHA1(authToken, url + concat(sorted name+value))).</summary>
    public static string Twilio(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var group in form.GroupBy(p => p.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value).Distinct().OrderBy(v => v, StringComparer.Ordinal))
                data.Append(group.Key).Append(value);
        }
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>X-ZEvent-Signature: "mac=" + hex(SHA-256(app_id + raw_body + timestamp + OA secret)).</summary>
    public static string Zalo(string appId, string rawBody, string timestamp, string oaSecretKey) =>
        "mac=" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appId + rawBody + timestamp + oaSecretKey)));
}
