using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Oversight;

/// <summary>One commune's figures for a period (the triage inbox has a null commune).</summary>
public sealed record CommuneFigures(string? CommuneCode, long Received, long Open, long Overdue, long Resolved,
    double? MedianFirstResponseMinutes, double? AnsweredInTimeShare, IReadOnlyDictionary<string, long> Categories);

public sealed record DashboardData(Period Period, IReadOnlyList<CommuneFigures> Communes, IReadOnlyList<(DateOnly Day, long Received, long Resolved)> Trend);

/// <summary>
/// The province's oversight figures per commune for a period: received, open, overdue (now), resolved, median time
/// to the first reply, share answered within the deadline, categories, and the daily trend.
/// </summary>
public sealed class Dashboard(Db db, TimeProvider time)
{
    private sealed class Row
    {
        public string? CommuneCode { get; init; }
        public string Status { get; init; } = "";
        public string? Category { get; init; }
        public long CreatedAt { get; init; }
        public long? FirstReplyAt { get; init; }
        public long? FirstReplyDue { get; init; }
        public long? ResolveDue { get; init; }
        public long? ResolvedAt { get; init; }
    }

    public async Task<DashboardData> BuildAsync(string provinceCode, Period period)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync();
        // Received in the period, or still open (open and overdue are counted now, whatever the period).
        var rows = (await c.QueryAsync<Row>(
            """
            SELECT commune_code AS CommuneCode, status AS Status, category AS Category, created_at AS CreatedAt, first_reply_at AS FirstReplyAt,
                   first_reply_due AS FirstReplyDue, resolve_due AS ResolveDue, resolved_at AS ResolvedAt
            FROM conversations
            WHERE province_code = @provinceCode AND ((created_at >= @start AND created_at < @end) OR status <> 'resolved' OR (resolved_at >= @start AND resolved_at < @end))
            """, new { provinceCode, start = period.StartMs, end = period.EndMs })).ToList();

        bool InPeriod(long ms) => ms >= period.StartMs && ms < period.EndMs;
        var communes = rows.GroupBy(r => r.CommuneCode).Select(g =>
        {
            var received = g.Where(r => InPeriod(r.CreatedAt)).ToList();
            var replied = received.Where(r => r.FirstReplyAt is not null).Select(r => (r.FirstReplyAt!.Value - r.CreatedAt) / 60_000.0).Order().ToList();
            var withDeadline = received.Where(r => r.FirstReplyDue is not null).ToList();
            return new CommuneFigures(g.Key,
                Received: received.Count,
                Open: g.Count(r => r.Status != "resolved"),
                Overdue: g.Count(r => (r.FirstReplyAt is null && r.FirstReplyDue <= now) || (r.Status != "resolved" && r.ResolveDue <= now)),
                Resolved: g.Count(r => r.ResolvedAt is { } at && InPeriod(at)),
                MedianFirstResponseMinutes: replied.Count == 0 ? null : replied.Count % 2 == 1 ? replied[replied.Count / 2] : (replied[replied.Count / 2 - 1] + replied[replied.Count / 2]) / 2,
                AnsweredInTimeShare: withDeadline.Count == 0 ? null : withDeadline.Count(r => r.FirstReplyAt is { } at && at <= r.FirstReplyDue) / (double)withDeadline.Count,
                Categories: received.GroupBy(r => r.Category ?? "").ToDictionary(x => x.Key, x => (long)x.Count()));
        }).OrderByDescending(x => x.Received).ToList();

        var receivedByDay = rows.GroupBy(r => Period.DayOf(r.CreatedAt)).ToDictionary(g => g.Key, g => g.LongCount());
        var resolvedByDay = rows.Where(r => r.ResolvedAt is not null).GroupBy(r => Period.DayOf(r.ResolvedAt!.Value)).ToDictionary(g => g.Key, g => g.LongCount());
        var trend = Enumerable.Range(0, period.Days).Select(i => period.From.AddDays(i))
            .Select(day => (day, receivedByDay.GetValueOrDefault(day), resolvedByDay.GetValueOrDefault(day)))
            .ToList();
        return new DashboardData(period, communes, trend);
    }
}
