namespace Gateway.App.Features.Notices.Sending;

/// <summary>How notices reach residents (<c>Notices:*</c>); per-province overrides under <c>Notices:Provinces:{code}</c>.</summary>
public sealed class NoticeDeliveryOptions
{
    public const string Section = "Notices";

    /// <summary>The channel key for SMS notices; default: the first esms channel, else twilio, else the simulator.</summary>
    public string? SmsChannel { get; set; }
    /// <summary>The Zalo OA channel key; default: the first zalo channel.</summary>
    public string? ZaloChannel { get; set; }
    /// <summary>The ZNS channel key; default: the first zns channel.</summary>
    public string? ZnsChannel { get; set; }
    /// <summary>
    /// Order in which channels are tried per resident, comma-separated: <c>zalo</c> (follower inside the free
    /// window), <c>zns</c> (by phone, when the template has a ZNS template and quota is left), <c>sms</c>.
    /// </summary>
    public string ChannelOrder { get; set; } = "zalo,zns,sms";
    /// <summary>Zalo OA lets an OA message a follower freely for a while after their last message.</summary>
    public TimeSpan ZaloFreeWindow { get; set; } = TimeSpan.FromHours(48);

    public Dictionary<string, ProvinceNoticeOptions> Provinces { get; set; } = [];

    /// <summary>Price of one SMS segment / one Zalo message, for the preview's estimate.</summary>
    public Dictionary<string, decimal> Prices { get; set; } = new() { ["sms"] = 400m, ["zalo"] = 0m, ["zns"] = 300m };
    public string Currency { get; set; } = "VND";

    /// <summary>How often the scheduler looks for due broadcasts, stalled runs and due retries.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Residents expanded per transaction, and delivery rows per bus message.</summary>
    public int ChunkSize { get; set; } = 5000;
    public int SendChunkSize { get; set; } = 500;
    /// <summary>A sending run with no recorded progress this long has its queued rows handed out again (a lost bus message).</summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class ProvinceNoticeOptions
{
    public string? SmsChannel { get; set; }
    public string? ZaloChannel { get; set; }
    public string? ZnsChannel { get; set; }
    public string? ChannelOrder { get; set; }
}

internal static class ChannelOrderParsing
{
    public static string[] Ways(this string order) => order.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
