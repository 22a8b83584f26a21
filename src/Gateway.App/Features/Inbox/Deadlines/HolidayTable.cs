using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// The <c>public_holidays</c> table: seeded a year at a time from the shipped file (a year is copied in only while
/// the table has no row for it, so the operator's edits stay), and read back into the <see cref="WorkingCalendar"/>.
/// </summary>
public sealed class HolidayTable(Db db, WorkingCalendar calendar, TimeProvider time, ILogger<HolidayTable> logger)
{
    private readonly HashSet<int> _warned = [];

    private sealed class Row
    {
        public string HolidayDate { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Source { get; init; }
    }

    /// <summary>Copies in each year of <paramref name="shipped"/> (the embedded file by default) that the table has no row for.</summary>
    /// <returns>The years added.</returns>
    public async Task<IReadOnlyList<int>> SeedAsync(PublicHolidays? shipped = null, CancellationToken ct = default)
    {
        shipped ??= PublicHolidays.Shipped;
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var present = (await c.QueryAsync<string>("SELECT holiday_date FROM public_holidays", transaction: tx))
            .Select(d => int.TryParse(d.AsSpan(0, Math.Min(4, d.Length)), out var y) ? y : 0).ToHashSet();
        var added = shipped.Years.Where(y => !present.Contains(y)).Order().ToList();
        var now = time.NowMs();
        // Two instances starting together must not trip over each other's rows: insert unless present.
        var insert = db.Dialect.InsertIgnore("public_holidays", "holiday_date, kind, name, source, updated_by, updated_at",
            "@Date, @Kind, @Name, @Source, 'seed', @now", "holiday_date = @Date");
        foreach (var day in shipped.Days.Where(d => added.Contains(d.Date.Year)).OrderBy(d => d.Date))
            await c.ExecuteAsync(insert, new { Date = day.Date.ToString("yyyy-MM-dd"), day.Kind, day.Name, day.Source, now }, tx);
        await tx.CommitAsync(ct);
        if (added.Count > 0) logger.LogInformation("Public holidays: added {Years} from {File}", string.Join(", ", added), PublicHolidays.FileName);
        return added;
    }

    /// <summary>The table as the calendar reads it; a row it cannot read is logged and skipped.</summary>
    public async Task<PublicHolidays> LoadAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>("SELECT holiday_date AS HolidayDate, kind AS Kind, name AS Name, source AS Source FROM public_holidays ORDER BY holiday_date");
        var days = new List<PublicHoliday>();
        foreach (var row in rows)
        {
            try { days.Add(PublicHolidays.Row(row.HolidayDate, row.Kind, row.Name, row.Source, $"public_holidays {row.HolidayDate}")); }
            catch (InvalidDataException ex) { logger.LogWarning("{Problem}: the row is ignored", ex.Message); }
        }
        return new PublicHolidays(days);
    }

    /// <summary>Reads the table into the calendar, and warns once about a year (this one, or the one 60 days ahead) with no rows.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var holidays = await LoadAsync(ct);
        calendar.Use(holidays);
        var today = calendar.Local(time.NowMs());
        foreach (var year in new[] { today.Year, today.AddDays(60).Year }.Distinct())
            if (!holidays.Years.Contains(year) && _warned.Add(year))
                logger.LogWarning("Public holidays: the table has no day for {Year}; deadlines count only weekends as days off until the operator adds that year's holidays", year);
    }
}
