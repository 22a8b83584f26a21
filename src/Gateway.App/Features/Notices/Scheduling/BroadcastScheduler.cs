using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>
/// The schedule lives in the table: each pass starts due runs and expands their audience, resumes runs a
/// crash or a lease left half-expanded, reopens runs whose quiet hours ended, hands out again the queued rows
/// of a run that stalled (a bus message lost with the process), re-issues due retries, and completes runs.
/// </summary>
public sealed class BroadcastScheduler(
    Db db, BroadcastStore store, BroadcastRuns runs, BroadcastExpander expander, IOptions<NoticeDeliveryOptions> options,
    TimeProvider time, ILogger<BroadcastScheduler> logger) : PeriodicWork(time, logger)
{
    private readonly string _leaseOwner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override TimeSpan Interval => options.Value.SchedulerInterval;

    protected override Task RunOnceAsync(bool first, CancellationToken ct) => PassAsync(first, ct);

    public async Task PassAsync(bool first, CancellationToken ct)
    {
        await runs.SettleInterruptedAsync(); // sends whose lease ran out: their instance stopped mid-call
        var now = Time.NowMs();
        List<BroadcastRow> active;
        await using (var c = await db.OpenAsync(ct))
            active = [.. await store.InStatusAsync(c, BroadcastStatus.Scheduled, BroadcastStatus.Sending, BroadcastStatus.WaitingQuietHours)];

        foreach (var b in active.Where(b => b.Status == BroadcastStatus.Scheduled && b.NextRunAt <= now))
        {
            if (!await runs.TryStartAsync(b, _leaseOwner)) continue;
            Logger.LogInformation("Broadcast {Broadcast} starts a run", b.Id);
            var started = await store.FindAsync(b.Id);
            if (started is not null) await ExpandAsync(started, ct);
        }
        foreach (var b in active.Where(b => b.Status == BroadcastStatus.Sending && !b.Expanded))
        {
            // Another instance's live lease means it is expanding right now; a lapsed one (or ours after a restart) is resumed.
            if (!first && b.LeaseOwner != _leaseOwner && b.LeaseUntil > now) continue;
            await ExpandAsync(b, ct);
        }
        foreach (var b in active.Where(b => b.Status == BroadcastStatus.WaitingQuietHours && b.NextRunAt <= now))
        {
            await using (var c = await db.OpenAsync(ct))
            using (await db.WriteLockAsync(ct: ct))
                if (await BroadcastStore.TransitionAsync(c, null, b.Id, [BroadcastStatus.WaitingQuietHours], BroadcastStatus.Sending, now) == 0) continue;
            await runs.HandOutAsync(b);
        }
        foreach (var b in active.Where(b => b.Status == BroadcastStatus.Sending && b.Expanded))
        {
            var stalled = first || b.LastProgressAt is null || now - b.LastProgressAt > (long)options.Value.StalledAfter.TotalMilliseconds;
            await runs.HandOutAsync(b, dueRetriesOnly: !stalled);
            await runs.TryCompleteAsync(b.Id);
        }
    }

    private async Task ExpandAsync(BroadcastRow b, CancellationToken ct)
    {
        if (await expander.ExpandAsync(b, _leaseOwner, ct))
            await runs.TryCompleteAsync(b.Id); // an audience of skipped residents only has nothing to send
    }
}
