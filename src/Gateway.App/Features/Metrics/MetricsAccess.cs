using System.Net;

namespace Gateway.App.Features.Metrics;

/// <summary>
/// The guard in front of the scrape: a caller outside <see cref="MetricsOptions.AllowedNetworks"/>, on another port
/// than <see cref="MetricsOptions.Port"/>, or whose request came through a proxy (the public reaches the gateway
/// through the proxy, which would make every outsider look like loopback) gets a plain 404, as if nothing were there.
/// </summary>
public sealed class MetricsAccess(MetricsOptions options)
{
    private readonly IReadOnlyList<IPNetwork> _networks = options.Networks();

    public bool Allows(HttpContext http)
    {
        if (options.Port is { } port && http.Connection.LocalPort != port) return false;
        // Forwarded headers (still present, or moved to X-Original-For by a known proxy's middleware): a proxied request.
        var headers = http.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Original-For") || headers.ContainsKey("Forwarded")) return false;
        return Allows(http.Connection.RemoteIpAddress);
    }

    public bool Allows(IPAddress? remote)
    {
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        return _networks.Any(n => n.Contains(remote));
    }
}
