using Gateway.App.Features.Channels;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Templates;
using Gateway.Channels;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>The channel a notice takes to one resident, or why none can.</summary>
public sealed record ChannelChoice(string? ChannelKey, string? ChannelType, string? Urn, string? SkipReason)
{
    public static ChannelChoice Skip(string reason) => new(null, null, null, reason);
}

/// <summary>
/// Per resident, in the province's order (default: Zalo OA when they follow and wrote within the free window;
/// else ZNS by phone when the template has a ZNS template and the ZNS channel has quota left; else SMS by phone);
/// a resident no channel reaches is skipped. A definite failure on one way moves the delivery to the next
/// (<see cref="NextWay"/>).
/// </summary>
public sealed class NoticeChannelPolicy(ChannelCatalog channels, ChannelStates states, IOptions<NoticeDeliveryOptions> options)
{
    public const string Zalo = "zalo", Zns = "zns", Sms = "sms";

    /// <summary>ZNS is a way for a notice when its template names a ZNS template and the ZNS channel is usable today.</summary>
    public async Task<bool> ZnsUsableAsync(NoticeTemplate template, string provinceCode, CancellationToken ct = default) =>
        !string.IsNullOrEmpty(template.ZnsTemplateId) && ChannelFor(Zns, provinceCode) is { } zns && await states.BlockedAsync(zns.Key, ct) is null;

    /// <param name="zns">Whether ZNS is a way for this notice: its template has a ZNS id and the channel has quota.</param>
    public ChannelChoice Choose(AudienceMember m, string provinceCode, long now, bool zns = false)
    {
        foreach (var (way, channel) in WaysFor(provinceCode, zns))
            if (Reaches(way, m, now) && UrnFor(way, m.TelUrn, m.ZaloUrn) is { } urn)
                return new ChannelChoice(channel.Key, channel.Type, urn, null);
        return ChannelChoice.Skip(NoticeReason.NoChannel);
    }

    private bool Reaches(string way, AudienceMember m, long now) => way switch
    {
        Zalo => m.ZaloUrn is not null && m.ZaloFollowing && m.ZaloLastInboundAt is { } last && last >= ZaloWindowStart(now),
        _ => m.TelUrn is not null,
    };

    /// <summary>The address a way sends to: the Zalo user for the OA, the phone number for ZNS and SMS.</summary>
    public static string? UrnFor(string way, string? telUrn, string? zaloUrn) => way == Zalo ? zaloUrn : telUrn;

    /// <summary>The way a channel type carries: zalo, zns, or sms for every SMS channel.</summary>
    public static string WayOf(string channelType) => channelType switch
    {
        ChannelTypes.Zalo => Zalo,
        ChannelTypes.Zns => Zns,
        _ => Sms,
    };

    /// <summary>The province's ways in order, each with the channel that carries it (ways without a channel left out; ZNS only when <paramref name="zns"/>).</summary>
    public IReadOnlyList<(string Way, ChannelInstance Channel)> WaysFor(string provinceCode, bool zns = false)
    {
        var o = options.Value;
        var order = o.Provinces.GetValueOrDefault(provinceCode)?.ChannelOrder ?? o.ChannelOrder;
        return order.Ways().Distinct().Where(w => zns || w != Zns).Select(w => (w, ChannelFor(w, provinceCode)))
            .Where(x => x.Item2 is not null).Select(x => (x.w, x.Item2!)).ToList();
    }

    /// <summary>
    /// After a definite failure on <paramref name="failedWay"/>: the next way of the province's order that can
    /// reach the resident at an address they have (the free-window rule is not re-checked for Zalo: it only ever
    /// comes first), or null.
    /// </summary>
    public (string Way, ChannelInstance Channel, string Urn)? NextWay(string provinceCode, bool zns, string failedWay, string? telUrn, string? zaloUrn)
    {
        var ways = WaysFor(provinceCode, zns: true).ToList();
        var at = ways.FindIndex(w => w.Way == failedWay);
        foreach (var (way, channel) in ways.Skip(at + 1))
            if ((zns || way != Zns) && UrnFor(way, telUrn, zaloUrn) is { } urn)
                return (way, channel, urn);
        return null;
    }

    /// <summary>A Zalo follower who wrote at or after this moment is inside the free window.</summary>
    public long ZaloWindowStart(long now) => now - (long)options.Value.ZaloFreeWindow.TotalMilliseconds;

    /// <summary>The configured channel for a way of sending, or the first of a fitting type.</summary>
    public ChannelInstance? ChannelFor(string way, string provinceCode)
    {
        var o = options.Value;
        var province = o.Provinces.GetValueOrDefault(provinceCode);
        var key = way switch
        {
            Zalo => province?.ZaloChannel ?? o.ZaloChannel,
            Zns => province?.ZnsChannel ?? o.ZnsChannel,
            _ => province?.SmsChannel ?? o.SmsChannel,
        };
        if (key is not null) return channels.Find(key);
        ChannelInstance? First(string type) => channels.All.FirstOrDefault(c => c.Type == type);
        return way switch
        {
            Zalo => First(ChannelTypes.Zalo),
            Zns => First(ChannelTypes.Zns),
            // A Vietnamese aggregator first: it has local numbers and brandnames; Twilio does not.
            _ => First(ChannelTypes.Esms) ?? First(ChannelTypes.Twilio) ?? First(ChannelTypes.Simulator),
        };
    }
}
