using System.Security.Cryptography;
using System.Text;

namespace Gateway.App.Features.Routing;

/// <summary>A stable, non-reversible short key for a resident's address, for partitioning and logs.</summary>
public static class ResidentKey
{
    public static string Of(string urn) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(urn)), 0, 8).ToLowerInvariant();
}
