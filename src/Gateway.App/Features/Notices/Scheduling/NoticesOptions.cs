namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>When notices may reach residents, bound from <c>Notices</c>.</summary>
public sealed class NoticesOptions
{
    public const string Section = "Notices";

    /// <summary>IANA id of the zone that quiet hours and recurrences are read in: residents live by local time.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    public QuietHoursOptions QuietHours { get; set; } = new();
}
