using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// Every <see cref="DeadlinesOptions.CheckInterval"/>: reloads the public holidays, then, for open and pending
/// conversations,
/// <list type="bullet">
/// <item>flags each missed deadline once: an <c>overdue</c> timeline event whose detail is the <see cref="DeadlineKind"/>
/// (a first reply that came after its deadline was missed too; one before it stops the clock);</item>
/// <item>past a deadline by <see cref="DeadlinesOptions.EscalateAfter"/> of working time with the clock still running
/// (no first reply; not resolved), escalates the conversation to the province with reason <c>overdue</c>: the
/// <c>escalate</c> event is the commune's notice on its timeline. Once per deadline: a conversation that went to the
/// province (on its own or by hand) after that deadline passed is not sent again, even once the province returns it.</item>
/// </list>
/// Both checks read the stored events, so passes, instances and restarts never repeat them.
/// </summary>
public sealed class OverdueEscalator(
    Db db, DbWriter writer, HolidayTable holidays, ConversationDeadlines deadlines, WorkingCalendar calendar,
    IOptionsMonitor<DeadlinesOptions> options, TimeProvider time, ILogger<OverdueEscalator> logger) : PeriodicWork(time, logger)
{
    public const string Reason = "overdue";
    private const int BatchSize = 500;

    public sealed record Pass(int Flagged, int Escalated);

    protected override TimeSpan Interval => options.CurrentValue.CheckInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        if (first) await holidays.SeedAsync(ct: ct);
        await holidays.RefreshAsync(ct);
        var pass = await CheckAsync(ct);
        if (pass.Flagged + pass.Escalated > 0)
            Logger.LogInformation("Deadlines: {Flagged} missed deadline(s) flagged, {Escalated} conversation(s) escalated to the province", pass.Flagged, pass.Escalated);
    }

    /// <summary>One pass over the conversations with a deadline that may need flagging or escalating now.</summary>
    public async Task<Pass> CheckAsync(CancellationToken ct = default)
    {
        var now = Time.NowMs();
        List<string> ids;
        await using (var c = await db.OpenAsync(ct))
            ids = (await c.QueryAsync<string>(
                $"""
                SELECT {db.Dialect.TopPrefix(BatchSize.ToString())} c.id FROM conversations c
                WHERE c.status IN ('open', 'pending') AND (
                    (c.first_reply_due <= @now AND (c.first_reply_at IS NULL OR c.first_reply_at > c.first_reply_due) AND (
                        NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.kind = 'overdue' AND e.detail = 'first_reply')
                        OR (@auto = 1 AND c.first_reply_at IS NULL AND c.escalated_at IS NULL
                            AND NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.kind = 'escalate' AND e.at >= c.first_reply_due))))
                    OR (c.resolve_due <= @now AND (
                        NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.kind = 'overdue' AND e.detail = 'resolve')
                        OR (@auto = 1 AND c.escalated_at IS NULL
                            AND NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.kind = 'escalate' AND e.at >= c.resolve_due)))))
                ORDER BY c.created_at, c.id {db.Dialect.LimitSuffix(BatchSize.ToString())}
                """, new { now, auto = options.CurrentValue.AutoEscalate ? 1 : 0 })).ToList();

        int flagged = 0, escalated = 0;
        foreach (var id in ids)
        {
            var (f, e) = await writer.WriteAsync(w => CheckOneAsync(w, id), ct: ct);
            flagged += f;
            escalated += e;
        }
        return new Pass(flagged, escalated);
    }

    private sealed record EventRow(string Kind, string? Detail, long At);

    /// <summary>Reads the conversation again inside the transaction: a reply may have come since the scan.</summary>
    private async Task<(int Flagged, int Escalated)> CheckOneAsync(WriteTransaction w, string id)
    {
        var (c, tx, now) = (w.Connection, w.Tx, w.Now);
        var row = await c.QuerySingleOrDefaultAsync<ConversationRow>($"SELECT {ConversationRow.Columns} FROM conversations WHERE id = @id", new { id }, tx);
        if (row is null || row.Status == ConversationStatus.Resolved) return (0, 0);
        var events = (await c.QueryAsync<EventRow>(
            "SELECT kind AS Kind, detail AS Detail, at AS At FROM conversation_events WHERE conversation_id = @id AND kind IN ('overdue', 'escalate')",
            new { id }, tx)).ToList();
        var settings = options.CurrentValue;
        var atProvince = row.EscalatedAt is not null;
        int flagged = 0, escalated = 0;
        foreach (var (kind, due, stoppedAt) in new[] { (DeadlineKind.FirstReply, row.FirstReplyDue, row.FirstReplyAt), (DeadlineKind.Resolve, row.ResolveDue, (long?)null) })
        {
            if (due is not { } dueAt || dueAt > now) continue;
            if (stoppedAt is { } stopped && stopped <= dueAt) continue; // met
            if (!events.Any(e => e.Kind == ConversationEvents.Overdue && e.Detail == kind))
            {
                await ConversationEvents.AddAsync(c, tx, id, ConversationEvents.System, ConversationEvents.Overdue, kind, now);
                events.Add(new EventRow(ConversationEvents.Overdue, kind, now));
                flagged++;
            }
            if (!settings.AutoEscalate || stoppedAt is not null || atProvince) continue;
            if (events.Any(e => e.Kind == ConversationEvents.Escalate && e.At >= dueAt)) continue; // the province has had it since
            if (now < deadlines.EscalationAt(dueAt)) continue;
            var note = $"{DeadlineKind.Label(kind)} (hạn {calendar.Local(dueAt):HH:mm dd/MM/yyyy}): tự động chuyển lên tỉnh sau {settings.EscalateAfter.ToWorkingTime(calendar.Schedule).TotalHours:0.#} giờ làm việc";
            if (await ConversationStore.EscalateAsync(c, tx, id, Reason, note, ConversationEvents.System, now))
            {
                events.Add(new EventRow(ConversationEvents.Escalate, note, now));
                atProvince = true;
                escalated++;
            }
        }
        if (flagged + escalated > 0)
            await c.ExecuteAsync("UPDATE conversations SET updated_at = @now WHERE id = @id", new { now, id }, tx);
        return (flagged, escalated);
    }
}
