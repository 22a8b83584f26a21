using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>The one home of <c>broadcasts</c> and <c>notice_deliveries</c> rows: every state change goes through here.</summary>
public sealed class BroadcastStore(Db db)
{
    public async Task<BroadcastRow?> FindAsync(string id, DbConnection? c = null, DbTransaction? tx = null)
    {
        if (c is not null)
            return await c.QuerySingleOrDefaultAsync<BroadcastRow>($"SELECT {BroadcastRow.Columns} FROM broadcasts WHERE id = @id", new { id }, tx);
        await using var own = await db.OpenAsync();
        return await own.QuerySingleOrDefaultAsync<BroadcastRow>($"SELECT {BroadcastRow.Columns} FROM broadcasts WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<BroadcastRow>> ListAsync(string provinceCode, string? status, int limit = 200)
    {
        await using var c = await db.OpenAsync();
        var where = "province_code = @provinceCode" + (status is null ? "" : " AND status = @status");
        return (await c.QueryAsync<BroadcastRow>(
            $"SELECT {db.Dialect.TopPrefix(limit.ToString())} {BroadcastRow.Columns} FROM broadcasts WHERE {where} ORDER BY created_at DESC {db.Dialect.LimitSuffix(limit.ToString())}",
            new { provinceCode, status })).ToList();
    }

    public async Task<IReadOnlyList<BroadcastRow>> InStatusAsync(DbConnection c, params string[] statuses) =>
        (await c.QueryAsync<BroadcastRow>($"SELECT {BroadcastRow.Columns} FROM broadcasts WHERE status IN @statuses", new { statuses })).ToList();

    public static Task InsertAsync(DbConnection c, DbTransaction tx, BroadcastRow b) =>
        c.ExecuteAsync(
            """
            INSERT INTO broadcasts (id, province_code, template_key, variables, audience, emergency, recurrence, send_at, status, run, expanded, created_by, created_at, updated_at)
            VALUES (@Id, @ProvinceCode, @TemplateKey, @Variables, @Audience, @Emergency, @Recurrence, @SendAt, @Status, 0, 0, @CreatedBy, @CreatedAt, @CreatedAt)
            """, b, tx);

    /// <summary>Moves a broadcast only from one of the expected states: two officers pressing at once cannot both win.</summary>
    public static Task<int> TransitionAsync(DbConnection c, DbTransaction? tx, string id, string[] from, string to, long now, long? nextRunAt = null, bool keepNextRun = false) =>
        c.ExecuteAsync(
            $"UPDATE broadcasts SET status = @to, {(keepNextRun ? "" : "next_run_at = @nextRunAt, ")}updated_at = @now WHERE id = @id AND status IN @from",
            new { id, from, to, now, nextRunAt }, tx);

    public async Task<BroadcastCounts> CountsAsync(string id, int run, DbConnection? connection = null)
    {
        await using var own = connection is null ? await db.OpenAsync() : null;
        var c = connection ?? own!;
        var rows = (await c.QueryAsync<(string Status, long Count)>(
            "SELECT status, COUNT(*) FROM notice_deliveries WHERE broadcast_id = @id AND run = @run GROUP BY status", new { id, run }))
            .ToDictionary(r => r.Status, r => r.Count);
        long N(string s) => rows.GetValueOrDefault(s);
        var skipped = N(NoticeDeliveryStatus.Skipped);
        return new BroadcastCounts(
            Recipients: rows.Values.Sum() - skipped,
            Queued: N(NoticeDeliveryStatus.Queued) + N(NoticeDeliveryStatus.Sending) + N(NoticeDeliveryStatus.Retrying),
            Sent: N(NoticeDeliveryStatus.Sent),
            Delivered: N(NoticeDeliveryStatus.Delivered) + N(NoticeDeliveryStatus.Read),
            Failed: N(NoticeDeliveryStatus.Failed),
            Skipped: skipped,
            Unknown: N(NoticeDeliveryStatus.Unknown) + N(NoticeDeliveryStatus.Checking), // unknown until the provider answers
            Cancelled: N(NoticeDeliveryStatus.Cancelled));
    }
}
