using System.Security.Cryptography;
using System.Text;

namespace Gateway.Channels.Zalo;

/// <summary>
/// <c>X-ZEvent-Signature: mac=hex(SHA-256(app_id ‖ raw_body ‖ timestamp ‖ OA_secret_key))</c> (protocols.md §B2).
/// Plain SHA-256, not HMAC. The body is hashed as the bytes that arrived: a re-serialized copy, or the same
/// event with different escaping, hashes differently (vectors zalo-12, zalo-13).
/// </summary>
public static class ZaloSignature
{
    public const string Header = "X-ZEvent-Signature";

    /// <summary>The header value Zalo sends: <c>mac=</c> and lowercase hex.</summary>
    public static string Compute(string appId, ReadOnlySpan<byte> rawBody, string timestamp, string oaSecretKey) =>
        "mac=" + Convert.ToHexStringLower(Hash(appId, rawBody, timestamp, oaSecretKey));

    /// <summary>Accepts <c>mac=&lt;hex&gt;</c> or bare hex, in either case (vector zalo-14), compared in constant time.</summary>
    public static bool IsValid(string appId, ReadOnlySpan<byte> rawBody, string timestamp, string oaSecretKey, string? header)
    {
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(oaSecretKey)) return false;
        var hex = header.Trim();
        if (hex.StartsWith("mac=", StringComparison.OrdinalIgnoreCase)) hex = hex[4..];
        byte[] claimed;
        try { claimed = Convert.FromHexString(hex); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(Hash(appId, rawBody, timestamp, oaSecretKey), claimed);
    }

    private static byte[] Hash(string appId, ReadOnlySpan<byte> rawBody, string timestamp, string oaSecretKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // UTF-8 explicitly: the Java SDK's platform-charset getBytes() gets Vietnamese bodies wrong.
        sha.AppendData(Encoding.UTF8.GetBytes(appId));
        sha.AppendData(rawBody);
        sha.AppendData(Encoding.UTF8.GetBytes(timestamp));
        sha.AppendData(Encoding.UTF8.GetBytes(oaSecretKey));
        return sha.GetHashAndReset();
    }
}
