using Cronos;

namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>
/// Repeating notices ("every Monday at 08:00") as standard five-field cron, read in the commune's zone by Cronos,
/// so the next run is stored as a UTC instant in the schedule table rather than recomputed by the bus.
/// </summary>
public static class Recurrence
{
    private const string Fields = "minute hour day-of-month month day-of-week, e.g. '0 8 * * MON' for Mondays at 08:00";

    /// <summary>Null when <paramref name="cron"/> is a valid five-field cron that ever occurs, else what is wrong, for the official who typed it.</summary>
    public static string? Validate(string cron) => Parse(cron, out _);

    /// <summary>
    /// The next occurrence strictly after <paramref name="afterUtc"/>, computed on <paramref name="zone"/>'s wall
    /// clock (a time skipped by DST runs when the clocks jump; a repeated one runs once), returned in UTC. Null when
    /// there is none left.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="cron"/> is not valid; the message is <see cref="Validate"/>'s.</exception>
    public static DateTimeOffset? Next(string cron, DateTimeOffset afterUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Parse(cron, out var expression) is { } problem) throw new ArgumentException(problem, nameof(cron));
        return expression!.GetNextOccurrence(afterUtc, zone, inclusive: false)?.ToUniversalTime();
    }

    private static string? Parse(string cron, out CronExpression? expression)
    {
        expression = null;
        if (string.IsNullOrWhiteSpace(cron)) return $"A recurrence is required: five cron fields ({Fields}).";
        var count = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (count != 5)
            return $"'{cron}' has {count} field{(count == 1 ? "" : "s")}; a recurrence has five ({Fields}){(count == 6 ? "; seconds are not supported" : "")}.";
        try
        {
            expression = CronExpression.Parse(cron, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            return $"'{cron}' is not a valid cron expression: {ex.Message}";
        }
        // Parses but can never fire (30 February): better said now than discovered when nothing goes out.
        if (expression.GetNextOccurrence(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)) is null)
        {
            expression = null;
            return $"'{cron}' never occurs (no month has that day).";
        }
        return null;
    }
}
