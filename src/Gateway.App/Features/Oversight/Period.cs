using System.Globalization;

namespace Gateway.App.Features.Oversight;

/// <summary>A chosen period of whole days in Vietnam time (UTC+7): from the start of <c>From</c> to the end of <c>To</c>.</summary>
public sealed record Period(DateOnly From, DateOnly To)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    public long StartMs => new DateTimeOffset(From.ToDateTime(TimeOnly.MinValue), Vietnam).ToUnixTimeMilliseconds();
    public long EndMs => new DateTimeOffset(To.AddDays(1).ToDateTime(TimeOnly.MinValue), Vietnam).ToUnixTimeMilliseconds();
    public int Days => To.DayNumber - From.DayNumber + 1;

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Vietnam).DateTime);

    /// <summary>From <c>yyyy-MM-dd</c> query values; default: the last 30 days; at most a year.</summary>
    public static Period Parse(string? from, string? to, DateTimeOffset now)
    {
        var today = Today(now);
        var end = DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : today;
        var start = DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f) ? f : end.AddDays(-29);
        if (start > end) (start, end) = (end, start);
        if (end.DayNumber - start.DayNumber > 366) start = end.AddDays(-366);
        return new Period(start, end);
    }

    public static DateOnly DayOf(long ms) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(Vietnam).DateTime);
    public string FromText => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public string ToText => To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public string Query => $"from={FromText}&to={ToText}";
}
