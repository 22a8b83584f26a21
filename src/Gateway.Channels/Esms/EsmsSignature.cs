using System.Security.Cryptography;
using System.Text;

namespace Gateway.Channels.Esms;

/// <summary>
/// The <c>sign</c> of a short-code MO: <c>base64(MD5(UTF-8(cpid + smsid + content + receiverTime + PrivateKey)))</c>
/// over the decoded query values (protocols.md §F). MD5 is eSMS's choice, not ours; the private key keeps it a MAC.
/// </summary>
public static class EsmsSignature
{
    public static string Compute(string cpid, string smsid, string content, string receiverTime, string privateKey) =>
        Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(cpid + smsid + content + receiverTime + privateKey)));

    /// <summary>Compared in constant time. Spaces count as <c>+</c>: an unescaped base64 <c>+</c> arrives as a space.</summary>
    public static bool IsValid(string cpid, string smsid, string content, string receiverTime, string privateKey, string? sign)
    {
        if (string.IsNullOrEmpty(privateKey) || string.IsNullOrEmpty(sign)) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(cpid, smsid, content, receiverTime, privateKey));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(sign.Replace(' ', '+')));
    }
}
