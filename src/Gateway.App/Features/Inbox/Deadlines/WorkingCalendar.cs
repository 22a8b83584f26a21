using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// Working time: the office hours of <see cref="WorkingSchedule"/> on working days. A working day is a day of the
/// usual working week that is not a day off in <see cref="PublicHolidays"/>, or a weekend day the holidays list as
/// worked (làm việc bù). Instants are UTC unix milliseconds, as stored; days and hours are the offices' local ones.
/// </summary>
public sealed class WorkingCalendar
{
    private const long DayMs = 86_400_000;
    /// <summary>How far a calculation looks before it gives up (no working time configured at all).</summary>
    private const int MaxDays = 366 * 20;

    private readonly IOptionsMonitor<WorkingHoursOptions>? _options;
    private WorkingHoursOptions? _parsedFrom;
    private WorkingSchedule _schedule;
    private volatile PublicHolidays _holidays;

    /// <summary>A fixed calendar (tests, tools).</summary>
    public WorkingCalendar(WorkingSchedule schedule, PublicHolidays holidays)
    {
        _schedule = schedule;
        _holidays = holidays;
    }

    /// <summary>The gateway's calendar: hours from options (reloaded with them), the shipped holidays until <see cref="Use"/> gives the table's.</summary>
    public WorkingCalendar(IOptionsMonitor<WorkingHoursOptions> options) : this(WorkingSchedule.Parse(options.CurrentValue), PublicHolidays.Shipped)
    {
        _options = options;
        _parsedFrom = options.CurrentValue;
    }

    public PublicHolidays Holidays => _holidays;

    public WorkingSchedule Schedule
    {
        get
        {
            if (_options is null) return _schedule;
            var current = _options.CurrentValue;
            if (!ReferenceEquals(current, _parsedFrom) && WorkingSchedule.TryParse(current, out var parsed, out _))
            {
                // An invalid reload keeps the last good schedule (start-up validation refuses an invalid first one).
                _schedule = parsed;
                _parsedFrom = current;
            }
            return _schedule;
        }
    }

    /// <summary>Swaps in the holidays read from the table.</summary>
    public void Use(PublicHolidays holidays) => _holidays = holidays;

    public bool IsWorkingDay(DateOnly date) => IsWorkingDay(date, Schedule, _holidays);

    private static bool IsWorkingDay(DateOnly date, WorkingSchedule schedule, PublicHolidays holidays) =>
        holidays.Find(date) is { } listed ? !listed.IsDayOff : schedule.Days.Contains(date.DayOfWeek);

    /// <summary>The instant when <paramref name="working"/> of working time has passed since <paramref name="startMs"/>.</summary>
    /// <remarks>Ending exactly at the end of a period stays there (16:50 + 10 min = 17:00, not the next morning).</remarks>
    public long Add(long startMs, TimeSpan working)
    {
        if (working <= TimeSpan.Zero) return startMs;
        var (schedule, holidays) = (Schedule, _holidays);
        var offset = (long)schedule.UtcOffset.TotalMilliseconds;
        var remaining = (long)working.TotalMilliseconds;
        var local = startMs + offset;
        var day = FloorDiv(local, DayMs);
        for (var i = 0; i < MaxDays; i++, day++)
        {
            if (!IsWorkingDay(Date(day), schedule, holidays)) continue;
            foreach (var (start, end) in schedule.Periods)
            {
                var from = Math.Max(day * DayMs + (long)start.TotalMilliseconds, local);
                var to = day * DayMs + (long)end.TotalMilliseconds;
                if (from >= to) continue;
                if (remaining <= to - from) return from + remaining - offset;
                remaining -= to - from;
            }
        }
        throw new InvalidOperationException($"No working time within {MaxDays} days: check {WorkingHoursOptions.Section} and the public holidays");
    }

    public long AddMinutes(long startMs, int minutes) => Add(startMs, TimeSpan.FromMinutes(minutes));

    /// <summary>The working time between two instants (negative when <paramref name="toMs"/> is before <paramref name="fromMs"/>).</summary>
    public TimeSpan Between(long fromMs, long toMs)
    {
        if (toMs < fromMs) return -Between(toMs, fromMs);
        var (schedule, holidays) = (Schedule, _holidays);
        var offset = (long)schedule.UtcOffset.TotalMilliseconds;
        long a = fromMs + offset, b = toMs + offset, total = 0;
        for (var day = FloorDiv(a, DayMs); day * DayMs < b; day++)
        {
            if (!IsWorkingDay(Date(day), schedule, holidays)) continue;
            foreach (var (start, end) in schedule.Periods)
            {
                var from = Math.Max(day * DayMs + (long)start.TotalMilliseconds, a);
                var to = Math.Min(day * DayMs + (long)end.TotalMilliseconds, b);
                if (to > from) total += to - from;
            }
        }
        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>Whole working minutes between two instants (rounded down).</summary>
    public long MinutesBetween(long fromMs, long toMs) => (long)Math.Floor(Between(fromMs, toMs).TotalMinutes);

    /// <summary>An instant as the offices' local date and time (for texts and logs).</summary>
    public DateTime Local(long ms) => DateTime.SpecifyKind(DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(Schedule.UtcOffset).DateTime, DateTimeKind.Unspecified);

    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static DateOnly Date(long day) => DateOnly.FromDayNumber(EpochDayNumber + (int)day);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
