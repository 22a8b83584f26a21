using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Channels.Zalo;

/// <summary>
/// PKCE (RFC 7636, S256) for Zalo OAuth v4 consent: the permission URL carries the challenge, the code
/// exchange the verifier, so a stolen redirect code is useless without the verifier the gateway kept.
/// </summary>
public static class Pkce
{
    /// <summary>43 characters of base64url (32 random bytes), the shortest verifier RFC 7636 allows.</summary>
    public static string NewVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>base64url(SHA-256(ASCII(verifier)))</c> without padding: the <c>code_challenge</c>.</summary>
    public static string Challenge(string verifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(verifier);
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }

    /// <summary>An unguessable <c>state</c> for the consent round trip (CSRF): compare it when the redirect returns.</summary>
    public static string NewState() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
