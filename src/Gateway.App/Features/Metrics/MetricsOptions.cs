using System.Net;

namespace Gateway.App.Features.Metrics;

/// <summary>Who may scrape <c>/metrics</c>: it tells an outsider how busy every commune is, so never the public.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Addresses or networks allowed to scrape (<c>Metrics__AllowedNetworks__0=10.1.2.0/24</c>, or one comma-separated value).</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// A management port: when set, <c>/metrics</c> answers only requests that arrived on it (add it to the listening
    /// addresses, e.g. <c>ASPNETCORE_URLS=http://0.0.0.0:5080;http://10.1.2.3:9464</c>), and 404 on every other port.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>The allow-list as networks; loopback only when none is configured.</summary>
    public IReadOnlyList<IPNetwork> Networks()
    {
        var entries = AllowedNetworks.SelectMany(e => e.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
        if (entries.Count == 0) entries = ["127.0.0.0/8", "::1/128"];
        return [.. entries.Select(Parse)];
    }

    private static IPNetwork Parse(string entry)
    {
        if (IPAddress.TryParse(entry, out var address))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        if (IPNetwork.TryParse(entry, out var network)) return network;
        throw new InvalidOperationException($"Metrics:AllowedNetworks: '{entry}' is neither an IP address nor a network (10.0.0.0/8)");
    }
}
