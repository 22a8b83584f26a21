using Dapper;
using Gateway.Channels;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>The moves of a run once it is approved: start, wait for the window, hand out queued rows again, complete.</summary>
public sealed class BroadcastRuns(Db db, DbWriter writer, BroadcastStore store, QuietHours quietHours, Channels.ChannelCatalog channels,
    IOptions<NoticesOptions> notices, IOptions<NoticeDeliveryOptions> options, TimeProvider time, ILogger<BroadcastRuns> logger)
{
    /// <summary>Claims a due scheduled broadcast for a new run (one instance wins); the caller expands it.</summary>
    public async Task<bool> TryStartAsync(BroadcastRow b, string leaseOwner)
    {
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        return await c.ExecuteAsync(
            """
            UPDATE broadcasts SET status = @sending, run = run + 1, expanded = 0, opted_out_count = 0, next_run_at = NULL,
                   lease_owner = @leaseOwner, lease_until = @until, started_at = @now, last_progress_at = @now, updated_at = @now
            WHERE id = @Id AND status = @scheduled AND next_run_at <= @now
            """,
            new { sending = BroadcastStatus.Sending, scheduled = BroadcastStatus.Scheduled, leaseOwner, until = now + 120_000, now, b.Id }) == 1;
    }

    /// <summary>The window closed: nothing more goes until it opens again.</summary>
    public async Task WaitForWindowAsync(BroadcastRow b)
    {
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        var moved = await BroadcastStore.TransitionAsync(c, null, b.Id, [BroadcastStatus.Sending], BroadcastStatus.WaitingQuietHours,
            now.ToUnixTimeMilliseconds(), quietHours.NextWindowStart(now).ToUnixTimeMilliseconds());
        if (moved > 0) logger.LogInformation("Broadcast {Broadcast} waits for quiet hours to end", b.Id);
    }

    /// <summary>Publishes send commands covering every queued (and due retrying) row of the run, a chunk each.</summary>
    public async Task<int> HandOutAsync(BroadcastRow b, bool dueRetriesOnly = false)
    {
        return await writer.WriteAsync(async w =>
        {
            var (from, to) = await w.Connection.QuerySingleAsync<(long? From, long? To)>(
                dueRetriesOnly
                    ? "SELECT MIN(id), MAX(id) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run AND status = @retrying AND next_attempt_at <= @now"
                    : "SELECT MIN(id), MAX(id) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run AND (status = @queued OR status = @retrying)",
                new { b.Id, b.Run, queued = NoticeDeliveryStatus.Queued, retrying = NoticeDeliveryStatus.Retrying, now = w.Now }, w.Tx);
            if (from is null || to is null) return 0;
            var size = options.Value.SendChunkSize;
            var count = 0;
            for (var start = from.Value; start <= to.Value; start += size, count++)
                await w.PublishAsync(new SendNoticeChunk(Guid.Parse(b.Id), b.Run, start, Math.Min(to.Value, start + size - 1)));
            await w.Connection.ExecuteAsync("UPDATE broadcasts SET last_progress_at = @now WHERE id = @Id", new { now = w.Now, b.Id }, w.Tx);
            return count;
        });
    }

    /// <summary>When nothing of the run is left to send: completed, or scheduled again for a recurring broadcast.</summary>
    public async Task TryCompleteAsync(string id)
    {
        await writer.WriteAsync(async w =>
        {
            var b = await store.FindAsync(id, w.Connection, w.Tx);
            if (b is null || b.Status != BroadcastStatus.Sending || !b.Expanded) return;
            var pending = await w.Connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run AND status IN @pending",
                new { b.Id, b.Run, pending = NoticeDeliveryStatus.Pending }, w.Tx);
            if (pending > 0) return;
            var next = b.Recurrence is null ? null
                : Recurrence.Next(b.Recurrence, time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(notices.Value.TimeZone));
            if (next is { } at)
                await w.Connection.ExecuteAsync(
                    "UPDATE broadcasts SET status = @scheduled, next_run_at = @at, completed_at = @now, updated_at = @now WHERE id = @Id AND status = @sending",
                    new { scheduled = BroadcastStatus.Scheduled, at = at.ToUnixTimeMilliseconds(), now = w.Now, b.Id, sending = BroadcastStatus.Sending }, w.Tx);
            else
                await w.Connection.ExecuteAsync(
                    "UPDATE broadcasts SET status = @completed, completed_at = @now, updated_at = @now WHERE id = @Id AND status = @sending",
                    new { completed = BroadcastStatus.Completed, now = w.Now, b.Id, sending = BroadcastStatus.Sending }, w.Tx);
            logger.LogInformation("Broadcast {Broadcast} run {Run} finished{Next}", b.Id, b.Run, next is null ? "" : $"; next run {next:O}");
        });
    }

    /// <summary>
    /// Each pass: a delivery still <c>sending</c> past its lease was in a provider call when its instance died. It may have gone,
    /// so it becomes <c>unknown</c> (reported), never sent again.
    /// </summary>
    public async Task<int> SettleInterruptedAsync()
    {
        await using var c = await db.OpenAsync();
        // Expired leases only: another instance's sends in flight keep theirs. Rows claimed before leases have none.
        const string expired = "status = @sending AND (lease_until IS NULL OR lease_until < @now)";
        if (await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM notice_deliveries WHERE {expired}", new { sending = NoticeDeliveryStatus.Sending, now = time.NowMs() }) == 0) return 0;
        using var writing = await db.WriteLockAsync();
        // Where the provider refuses a repeated reference (eSMS RequestId = the delivery id), sending again is safe.
        var safe = channels.All.Where(ch => ChannelTypes.RefusesDuplicates(ch.Type)).Select(ch => ch.Key).ToArray();
        var resent = safe.Length == 0 ? 0 : await c.ExecuteAsync(
            $"UPDATE notice_deliveries SET status = @retrying, next_attempt_at = @now, updated_at = @now WHERE {expired} AND channel_key IN @safe",
            new { retrying = NoticeDeliveryStatus.Retrying, sending = NoticeDeliveryStatus.Sending, now = time.NowMs(), safe });
        if (resent > 0) logger.LogWarning("{Count} notice sends were interrupted by a stop; sending again (the provider refuses duplicates)", resent);
        // Where the provider can be asked (Twilio), the reconciler settles them; the run waits for its answer.
        var askable = channels.All.Where(ch => ch.Adapter is IReconcilingAdapter).Select(ch => ch.Key).ToArray();
        var checking = askable.Length == 0 ? 0 : await c.ExecuteAsync(
            $"UPDATE notice_deliveries SET status = @checking, reason = 'interrupted', updated_at = @now WHERE {expired} AND channel_key IN @askable",
            new { checking = NoticeDeliveryStatus.Checking, sending = NoticeDeliveryStatus.Sending, now = time.NowMs(), askable });
        if (checking > 0) logger.LogWarning("{Count} notice sends were interrupted by a stop; asking the provider whether it has them", checking);
        var settled = await c.ExecuteAsync(
            $"UPDATE notice_deliveries SET status = @unknown, reason = 'interrupted', error_message = 'The gateway stopped during the provider call', updated_at = @now WHERE {expired}",
            new { unknown = NoticeDeliveryStatus.Unknown, sending = NoticeDeliveryStatus.Sending, now = time.NowMs() });
        if (settled > 0) logger.LogWarning("{Count} notice sends were interrupted by a stop; marked unknown", settled);
        return settled;
    }
}
