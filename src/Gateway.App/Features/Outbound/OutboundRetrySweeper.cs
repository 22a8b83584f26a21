using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Re-issues sends whose retry is due (the schedule lives in the table, not in broker delays), and at start
/// settles messages a crash left in <c>sending</c>: they become <c>unknown</c>, never re-sent blindly,
/// because the provider may already have them.
/// </summary>
public sealed class OutboundRetrySweeper(Db db, OutboxPublisher outbox, TimeProvider time, IOptions<OutboundOptions> options, ILogger<OutboundRetrySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var connection = await db.OpenAsync(stoppingToken);
            var settled = await connection.ExecuteAsync(
                "UPDATE messages SET status = 'unknown', error_code = 'interrupted', error_message = 'The gateway stopped during the provider call', updated_at = @now WHERE direction = 'out' AND status = 'sending'",
                new { now = time.NowMs() });
            if (settled > 0) logger.LogWarning("{Count} sends were interrupted by a stop; marked unknown for review", settled);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not settle interrupted sends");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Retry sweep failed");
            }
            await Task.Delay(options.Value.RetrySweepInterval, time, stoppingToken);
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.NowMs();
        var entries = new List<OutboxEntry>();
        await using (var connection = await db.OpenAsync(ct))
        using (await db.WriteLockAsync(ct: ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var due = (await connection.QueryAsync<string>(
                $"SELECT {db.Dialect.TopPrefix("200")} id FROM messages WHERE direction = 'out' AND status = 'retrying' AND next_attempt_at <= @now ORDER BY next_attempt_at {db.Dialect.LimitSuffix("200")}",
                new { now }, tx)).ToList();
            foreach (var id in due)
            {
                // Pushing next_attempt_at forward keeps the next sweep from issuing it again while it is in flight.
                await connection.ExecuteAsync("UPDATE messages SET next_attempt_at = @later WHERE id = @id", new { later = now + 60_000, id }, tx);
                var entry = OutboxEntry.For(new SendOutboundMessage(Guid.Parse(id)));
                await entry.WriteAsync(connection, tx, now);
                entries.Add(entry);
            }
            await tx.CommitAsync(ct);
        }
        outbox.Enqueue(entries);
        return entries.Count;
    }
}
