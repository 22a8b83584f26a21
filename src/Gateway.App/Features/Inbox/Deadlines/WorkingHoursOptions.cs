using System.Globalization;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// When a commune office works (<c>Inbox:WorkingHours</c>): by default Monday to Friday, 07:30–11:30 and
/// 13:30–17:00, Vietnam time (UTC+7, no daylight saving). Public holidays come from the <c>public_holidays</c>
/// table (<see cref="HolidayTable"/>).
/// </summary>
public sealed class WorkingHoursOptions
{
    public const string Section = "Inbox:WorkingHours";

    /// <summary>The working days of a usual week, comma-separated (English names or their first three letters).</summary>
    public string Days { get; set; } = "Mon,Tue,Wed,Thu,Fri";

    /// <summary>The working periods of a working day, local time, comma-separated <c>HH:mm-HH:mm</c>.</summary>
    public string Hours { get; set; } = "07:30-11:30,13:30-17:00";

    /// <summary>The offices' offset from UTC; Vietnam keeps +07:00 all year.</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(7);
}

/// <summary>The parsed <see cref="WorkingHoursOptions"/>: a week's working days and a working day's periods.</summary>
public sealed record WorkingSchedule(TimeSpan UtcOffset, IReadOnlySet<DayOfWeek> Days, IReadOnlyList<(TimeSpan Start, TimeSpan End)> Periods)
{
    public static readonly WorkingSchedule Default = Parse(new WorkingHoursOptions());

    /// <summary>The working time of one working day (7h30 by default): what a "d" in a deadline means.</summary>
    public TimeSpan DayLength { get; } = Periods.Aggregate(TimeSpan.Zero, (sum, p) => sum + (p.End - p.Start));

    public static WorkingSchedule Parse(WorkingHoursOptions o) =>
        TryParse(o, out var schedule, out var problem) ? schedule : throw new FormatException(problem);

    public static bool TryParse(WorkingHoursOptions o, out WorkingSchedule schedule, out string problem)
    {
        schedule = null!;
        problem = "";
        var days = new HashSet<DayOfWeek>();
        foreach (var word in (o.Days ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var day = Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>().FirstOrDefault(d =>
                d.ToString()!.Equals(word, StringComparison.OrdinalIgnoreCase) || d.ToString()![..3].Equals(word, StringComparison.OrdinalIgnoreCase));
            if (day is null) { problem = $"{WorkingHoursOptions.Section}:Days: '{word}' is not a day of the week (Mon, Tue, … or Monday, Tuesday, …)"; return false; }
            days.Add(day.Value);
        }
        if (days.Count == 0) { problem = $"{WorkingHoursOptions.Section}:Days: no working day"; return false; }

        var periods = new List<(TimeSpan Start, TimeSpan End)>();
        foreach (var range in (o.Hours ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = range.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length != 2 || !Time(ends[0], out var start) || !Time(ends[1], out var end) || end <= start)
            { problem = $"{WorkingHoursOptions.Section}:Hours: '{range}' is not a period HH:mm-HH:mm (e.g. 07:30-11:30)"; return false; }
            if (periods.Count > 0 && start < periods[^1].End)
            { problem = $"{WorkingHoursOptions.Section}:Hours: '{range}' overlaps or precedes the period before it"; return false; }
            periods.Add((start, end));
        }
        if (periods.Count == 0) { problem = $"{WorkingHoursOptions.Section}:Hours: no working period"; return false; }
        if (o.UtcOffset < TimeSpan.FromHours(-14) || o.UtcOffset > TimeSpan.FromHours(14))
        { problem = $"{WorkingHoursOptions.Section}:UtcOffset: {o.UtcOffset} is not an offset from UTC"; return false; }

        schedule = new WorkingSchedule(o.UtcOffset, days, periods);
        return true;

        static bool Time(string s, out TimeSpan t)
        {
            t = default;
            if (s == "24:00") { t = TimeSpan.FromHours(24); return true; }
            if (!TimeOnly.TryParseExact(s, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return false;
            t = time.ToTimeSpan();
            return true;
        }
    }
}
