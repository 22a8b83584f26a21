using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gateway.App.Features.Auth;

/// <summary>
/// Behind the documented TLS proxy (deploy/nginx) the gateway sees plain HTTP from 127.0.0.1. The proxy's
/// X-Forwarded-Proto and X-Forwarded-For are believed from the addresses in <c>Gateway:KnownProxies</c> only
/// (default: loopback), so <c>Request.IsHttps</c> (the Secure cookie, HSTS) and the client address (the sign-in
/// throttle) are the real ones, and nobody else can claim them.
/// </summary>
public static class TransportSecurity
{
    public const string KnownProxiesKey = "Gateway:KnownProxies";

    public static IServiceCollection AddTransportSecurity(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1; // one proxy: its own entry is the last one, whatever the client put before it
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var entry in KnownProxies(configuration))
            {
                if (IPAddress.TryParse(entry, out var address)) o.KnownProxies.Add(address);
                else if (System.Net.IPNetwork.TryParse(entry, out var network)) o.KnownIPNetworks.Add(network);
                else throw new InvalidOperationException($"{KnownProxiesKey}: '{entry}' is neither an IP address nor a network (10.0.0.0/8)");
            }
        });
        services.AddHsts(_ => { }); // defaults: 30 days, this host only, no preload
        return services;
    }

    /// <summary>A list (<c>Gateway__KnownProxies__0=…</c>) or one comma-separated value; loopback when unset.</summary>
    public static IReadOnlyList<string> KnownProxies(IConfiguration configuration)
    {
        var section = configuration.GetSection(KnownProxiesKey);
        var entries = (section.Value is { Length: > 0 } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
            .Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
        return entries.Count > 0 ? entries : ["127.0.0.1", "::1"];
    }

    /// <summary>First in the pipeline: everything after it sees the client's scheme and address.</summary>
    public static void UseTransportSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts(); // only ever sent on HTTPS responses
    }
}
