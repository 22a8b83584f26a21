using Dapper;
using Gateway.App.Features.Channels;
using Gateway.Channels;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Re-issues sends whose retry is due (the schedule lives in the table, not in broker delays), and settles sends
/// whose lease ran out (the instance that claimed them stopped mid-call): they become <c>unknown</c>, never re-sent
/// blindly, because the provider may already have them (where the provider refuses a repeat, they are sent again;
/// where it can be asked, the reconciler asks). Expired leases only: another instance's sends in flight are left alone.
/// </summary>
public sealed class OutboundRetrySweeper(Db db, DbWriter writer, ChannelCatalog channels, TimeProvider time, IOptions<OutboundOptions> options, ILogger<OutboundRetrySweeper> logger)
    : PeriodicWork(time, logger)
{
    protected override TimeSpan Interval => options.Value.RetrySweepInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        await SettleExpiredLeasesAsync(ct);
        await SweepAsync(ct);
    }

    /// <summary>Rows claimed before leases existed have none: they are as expired as can be.</summary>
    private const string Expired = "direction = 'out' AND status = 'sending' AND (lease_until IS NULL OR lease_until < @now)";

    public async Task<int> SettleExpiredLeasesAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM messages WHERE {Expired}", new { now = time.NowMs() }) == 0) return 0;
        using var writing = await db.WriteLockAsync(ct: ct);
        // Where the provider refuses a repeated reference (eSMS), sending again is safe: a repeat is a refused duplicate.
        var safe = channels.All.Where(c => ChannelTypes.RefusesDuplicates(c.Type)).Select(c => c.Key).ToArray();
        var resent = safe.Length == 0 ? 0 : await connection.ExecuteAsync(
            $"UPDATE messages SET status = 'retrying', next_attempt_at = @now, updated_at = @now WHERE {Expired} AND channel_key IN @safe",
            new { now = time.NowMs(), safe });
        if (resent > 0) Logger.LogWarning("{Count} sends' leases ran out (their instance stopped mid-call); sending again (the provider refuses duplicates)", resent);
        var settled = await connection.ExecuteAsync(
            $"UPDATE messages SET status = 'unknown', error_code = 'interrupted', error_message = 'The gateway stopped during the provider call', updated_at = @now WHERE {Expired}",
            new { now = time.NowMs() });
        if (settled > 0) Logger.LogWarning("{Count} sends' leases ran out (their instance stopped mid-call); marked unknown for review", settled);
        return resent + settled;
    }

    public Task<int> SweepAsync(CancellationToken ct) =>
        writer.WriteAsync(async w =>
        {
            var due = (await w.Connection.QueryAsync<string>(
                $"SELECT {w.Dialect.TopPrefix("200")} id FROM messages WHERE direction = 'out' AND status = 'retrying' AND next_attempt_at <= @now ORDER BY next_attempt_at {w.Dialect.LimitSuffix("200")}",
                new { now = w.Now }, w.Tx)).ToList();
            foreach (var id in due)
            {
                // Pushing next_attempt_at forward keeps the next sweep from issuing it again while it is in flight.
                await w.Connection.ExecuteAsync("UPDATE messages SET next_attempt_at = @later WHERE id = @id", new { later = w.Now + 60_000, id }, w.Tx);
                await w.PublishAsync(new SendOutboundMessage(Guid.Parse(id)));
            }
            return due.Count;
        }, ct: ct);
}
