using System.Net;
using System.Net.Sockets;

namespace Gateway.App.Features.Auth;

/// <summary>The client address sign-in failures are counted against (after the forwarded headers of a known proxy).</summary>
public static class ClientAddress
{
    /// <summary>
    /// IPv4 as is; IPv6 by its /64, which one subscriber usually holds whole (counting single addresses there would
    /// give a guesser billions of fresh counters).
    /// </summary>
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
