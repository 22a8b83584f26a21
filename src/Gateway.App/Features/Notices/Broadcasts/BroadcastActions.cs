using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>
/// An officer's moves on a broadcast. The two-person rule: the officer who created it cannot approve it.
/// Each move only happens from the states it makes sense in (409 otherwise) and is audited either way.
/// </summary>
public sealed class BroadcastActions(Db db, BroadcastStore store, AuditLog audit, TimeProvider time, IOptions<NoticesOptions> notices)
{
    public async Task<IResult> ApproveAsync(Official official, BroadcastRow b)
    {
        if (official.Username == b.CreatedBy)
        {
            await audit.WriteAsync(official.Username, "broadcast.approve", $"broadcast:{b.Id}", "denied", "creator cannot approve");
            return Results.Problem(statusCode: 403, title: "A second officer must approve", detail: "The officer who created a broadcast cannot approve it.");
        }
        var now = time.GetUtcNow();
        // sendAt in the past means now; a recurring broadcast without sendAt starts at its next occurrence.
        var first = b.SendAt is { } at ? Math.Max(at, now.ToUnixTimeMilliseconds())
            : b.Recurrence is not null ? Recurrence.Next(b.Recurrence, now, TimeZoneInfo.FindSystemTimeZoneById(notices.Value.TimeZone))?.ToUnixTimeMilliseconds() ?? now.ToUnixTimeMilliseconds()
            : now.ToUnixTimeMilliseconds();
        int moved;
        await using (var c = await db.OpenAsync())
        using (await db.WriteLockAsync())
            moved = await c.ExecuteAsync(
                "UPDATE broadcasts SET status = @scheduled, next_run_at = @first, approved_by = @by, approved_at = @now, updated_at = @now WHERE id = @Id AND status = @pending",
                new { scheduled = BroadcastStatus.Scheduled, first, by = official.Username, now = now.ToUnixTimeMilliseconds(), b.Id, pending = BroadcastStatus.PendingApproval });
        return await OutcomeAsync(official, b, "broadcast.approve", moved);
    }

    public async Task<IResult> PauseAsync(Official official, BroadcastRow b)
    {
        int moved;
        await using (var c = await db.OpenAsync())
        using (await db.WriteLockAsync())
            moved = await BroadcastStore.TransitionAsync(c, null, b.Id,
                [BroadcastStatus.Scheduled, BroadcastStatus.Sending, BroadcastStatus.WaitingQuietHours], BroadcastStatus.Paused, time.NowMs(), keepNextRun: true);
        return await OutcomeAsync(official, b, "broadcast.pause", moved);
    }

    /// <summary>A run that had started sends only what was not sent; one that had not started goes back to its schedule.</summary>
    public async Task<IResult> ResumeAsync(Official official, BroadcastRow b)
    {
        int moved;
        await using (var c = await db.OpenAsync())
        {
            var inRun = b.Run > 0 && (!b.Expanded || await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run AND status IN @pending",
                new { b.Id, b.Run, pending = NoticeDeliveryStatus.Pending }) > 0);
            var to = inRun ? BroadcastStatus.Sending : BroadcastStatus.Scheduled;
            using var writing = await db.WriteLockAsync();
            moved = await c.ExecuteAsync(
                // last_progress_at NULL: the scheduler's next pass hands the queued rows out again.
                "UPDATE broadcasts SET status = @to, last_progress_at = NULL, lease_until = NULL, updated_at = @now WHERE id = @Id AND status = @paused",
                new { to, now = time.NowMs(), b.Id, paused = BroadcastStatus.Paused });
        }
        return await OutcomeAsync(official, b, "broadcast.resume", moved);
    }

    /// <summary>Stops what is not yet handed to a provider; a send already in flight finishes and is recorded.</summary>
    public async Task<IResult> CancelAsync(Official official, BroadcastRow b)
    {
        int moved;
        await using (var c = await db.OpenAsync())
        using (await db.WriteLockAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            var now = time.NowMs();
            moved = await BroadcastStore.TransitionAsync(c, tx, b.Id, BroadcastStatus.Cancellable, BroadcastStatus.Cancelled, now);
            if (moved > 0)
                await c.ExecuteAsync(
                    "UPDATE notice_deliveries SET status = @cancelled, updated_at = @now WHERE broadcast_id = @Id AND status IN (@queued, @retrying)",
                    new { cancelled = NoticeDeliveryStatus.Cancelled, now, b.Id, queued = NoticeDeliveryStatus.Queued, retrying = NoticeDeliveryStatus.Retrying }, tx);
            await tx.CommitAsync();
        }
        return await OutcomeAsync(official, b, "broadcast.cancel", moved);
    }

    private async Task<IResult> OutcomeAsync(Official official, BroadcastRow b, string action, int moved)
    {
        if (moved == 0)
        {
            await audit.WriteAsync(official.Username, action, $"broadcast:{b.Id}", "failed", $"status {b.Status}");
            return Results.Problem(statusCode: 409, title: "Not possible now", detail: $"The broadcast is {b.Status}.");
        }
        await audit.WriteAsync(official.Username, action, $"broadcast:{b.Id}", "ok");
        var now = await store.FindAsync(b.Id);
        return Results.Ok(now!.ToDto(await store.CountsAsync(now.Id, now.Run)));
    }
}
