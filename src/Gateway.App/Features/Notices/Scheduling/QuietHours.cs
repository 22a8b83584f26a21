using System.Globalization;
using Cronos;

namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>
/// Answers "may a notice go now, and if not, when?" in the commune's local time, so a broadcast queued at 23:00
/// waits for morning instead of waking residents. Times in, times out are instants (returned in UTC).
/// </summary>
/// <remarks>
/// Window boundaries come from Cronos, which handles daylight saving in zones that have it: a Start skipped by a
/// spring-forward opens the window when the clocks jump. Vietnam has no DST. Known limit: in a zone with DST, an
/// End repeated by a fall-back does not reopen the window in <see cref="NextWindowStart"/>.
/// </remarks>
public sealed class QuietHours
{
    private readonly TimeOnly _start, _end;
    private readonly CronExpression _opens, _closes;

    /// <exception cref="ArgumentException">The time zone or a time is not valid; the message says which setting.</exception>
    public QuietHours(NoticesOptions options)
    {
        if (Validate(options) is { } problem) throw new ArgumentException(problem, nameof(options));
        Zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        _start = ParseTime(options.QuietHours.Start)!.Value;
        _end = ParseTime(options.QuietHours.End)!.Value;
        _opens = Daily(_start);
        _closes = Daily(_end);
    }

    /// <summary>The zone the window is read in (also the one to compute notice recurrences in).</summary>
    public TimeZoneInfo Zone { get; }

    private bool AlwaysAllowed => _start == _end;

    public bool IsSendingAllowed(DateTimeOffset utc)
    {
        if (AlwaysAllowed) return true;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, Zone).DateTime);
        return _start < _end
            ? local >= _start && local < _end
            : local >= _start || local < _end; // crosses midnight
    }

    /// <summary>The first moment at or after <paramref name="utc"/> when sending is allowed: <paramref name="utc"/> itself when allowed now.</summary>
    public DateTimeOffset NextWindowStart(DateTimeOffset utc) =>
        IsSendingAllowed(utc) ? utc : _opens.GetNextOccurrence(utc, Zone, inclusive: true)!.Value.ToUniversalTime();

    /// <summary>
    /// When the current window closes, so a long broadcast can stop before night. When sending is not allowed
    /// now, the end of the next window; <see cref="DateTimeOffset.MaxValue"/> when there are no quiet hours.
    /// </summary>
    public DateTimeOffset WindowEnd(DateTimeOffset utc) =>
        AlwaysAllowed ? DateTimeOffset.MaxValue : _closes.GetNextOccurrence(NextWindowStart(utc), Zone, inclusive: false)!.Value.ToUniversalTime();

    /// <summary>Null when the options can build quiet hours, else what to fix; used by start-up validation.</summary>
    public static string? Validate(NoticesOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TimeZone))
            return $"{NoticesOptions.Section}:TimeZone is required (an IANA id such as Asia/Ho_Chi_Minh).";
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"{NoticesOptions.Section}:TimeZone '{options.TimeZone}' is not a time zone known to this machine (use an IANA id such as Asia/Ho_Chi_Minh; on Linux the tzdata package provides them).";
        }
        foreach (var (name, value) in new[] { ("Start", options.QuietHours.Start), ("End", options.QuietHours.End) })
            if (ParseTime(value) is null)
                return $"{NoticesOptions.Section}:QuietHours:{name} '{value}' is not a time of day as HH:mm (e.g. 07:00 or 22:00).";
        return null;
    }

    private static TimeOnly? ParseTime(string? value) =>
        TimeOnly.TryParseExact(value?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static CronExpression Daily(TimeOnly time) => CronExpression.Parse($"{time.Minute} {time.Hour} * * *");
}
