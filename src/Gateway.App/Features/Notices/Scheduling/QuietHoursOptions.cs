namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>
/// Notices go out from <see cref="Start"/> to <see cref="End"/> local time (<c>HH:mm</c>), never at night.
/// Start after End crosses midnight (20:00–06:00); Start equal to End means no quiet hours at all.
/// </summary>
public sealed class QuietHoursOptions
{
    public string Start { get; set; } = "07:00";
    public string End { get; set; } = "22:00";
}
