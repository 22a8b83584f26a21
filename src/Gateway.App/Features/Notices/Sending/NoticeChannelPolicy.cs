using Gateway.App.Features.Channels;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.Channels;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>The channel a notice takes to one resident, or why none can.</summary>
public sealed record ChannelChoice(string? ChannelKey, string? ChannelType, string? Urn, string? SkipReason)
{
    public static ChannelChoice Skip(string reason) => new(null, null, null, reason);
}

/// <summary>
/// Per resident, in the province's order (default: Zalo OA when they follow and wrote within the free window,
/// else SMS by phone); a resident no channel reaches is skipped. One small piece so ZNS can slot in later.
/// </summary>
public sealed class NoticeChannelPolicy(ChannelCatalog channels, IOptions<NoticeDeliveryOptions> options)
{
    public const string Zalo = "zalo", Sms = "sms";

    public ChannelChoice Choose(AudienceMember m, string provinceCode, long now)
    {
        var o = options.Value;
        var province = o.Provinces.GetValueOrDefault(provinceCode);
        foreach (var way in (province?.ChannelOrder ?? o.ChannelOrder).Ways())
        {
            if (way == Zalo && m.ZaloUrn is not null && m.ZaloFollowing && m.ZaloLastInboundAt is { } last
                && now - last <= (long)o.ZaloFreeWindow.TotalMilliseconds && ChannelFor(Zalo, provinceCode) is { } zalo)
                return new ChannelChoice(zalo.Key, zalo.Type, m.ZaloUrn, null);
            if (way == Sms && m.TelUrn is not null && ChannelFor(Sms, provinceCode) is { } sms)
                return new ChannelChoice(sms.Key, sms.Type, m.TelUrn, null);
        }
        return ChannelChoice.Skip(NoticeReason.NoChannel);
    }

    /// <summary>The province's ways in order, each with the channel that carries it (ways without a channel left out).</summary>
    public IReadOnlyList<(string Way, ChannelInstance Channel)> WaysFor(string provinceCode)
    {
        var o = options.Value;
        var order = o.Provinces.GetValueOrDefault(provinceCode)?.ChannelOrder ?? o.ChannelOrder;
        return order.Ways().Distinct().Select(w => (w, ChannelFor(w, provinceCode)))
            .Where(x => x.Item2 is not null).Select(x => (x.w, x.Item2!)).ToList();
    }

    /// <summary>A Zalo follower who wrote at or after this moment is inside the free window.</summary>
    public long ZaloWindowStart(long now) => now - (long)options.Value.ZaloFreeWindow.TotalMilliseconds;

    /// <summary>The configured channel for a way of sending, or the first of a fitting type.</summary>
    public ChannelInstance? ChannelFor(string way, string provinceCode)
    {
        var o = options.Value;
        var province = o.Provinces.GetValueOrDefault(provinceCode);
        var key = way == Zalo ? province?.ZaloChannel ?? o.ZaloChannel : province?.SmsChannel ?? o.SmsChannel;
        if (key is not null) return channels.Find(key);
        return way == Zalo
            ? channels.All.FirstOrDefault(c => c.Type == ChannelTypes.Zalo)
            : channels.All.FirstOrDefault(c => c.Type == ChannelTypes.Twilio) ?? channels.All.FirstOrDefault(c => c.Type == ChannelTypes.Simulator);
    }
}
