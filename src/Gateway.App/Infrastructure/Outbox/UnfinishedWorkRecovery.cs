using Dapper;
using Gateway.App.Features.Routing;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Messaging;
using Gateway.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Infrastructure.Outbox;

/// <summary>
/// The outbox row is deleted once the bus accepted the message, but on the in-memory transport "accepted"
/// is not durable: a crash before the consumer ran loses the bus message. The rows themselves say what
/// is unfinished, so at start (everything) and then periodically (anything stale) this re-issues work for
/// inbound messages still <c>received</c> and outbound messages still <c>queued</c>. Consumers are
/// idempotent and sends are claimed before the provider call, so a second copy does nothing.
/// </summary>
public sealed class UnfinishedWorkRecovery(Db db, IServiceScopeFactory scopes, IBusControl bus, ResidentKeys keys, TimeProvider time,
    IOptions<OutboxOptions> options, ILogger<UnfinishedWorkRecovery> logger) : PeriodicWork(time, logger)
{
    private const int Page = 1000;

    protected override TimeSpan Interval => options.Value.StaleSweepInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        if (first) await BusReadiness.WaitAsync(bus, ct);
        var reissued = await RecoverAsync(first ? TimeSpan.Zero : options.Value.StaleAfter, ct);
        if (reissued > 0) Logger.LogInformation("Re-issued {Count} unfinished messages", reissued);
    }

    /// <param name="olderThan">Zero at start: every unfinished row belongs to a process that is gone.</param>
    public async Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var before = time.GetUtcNow().Add(-olderThan).ToUnixTimeMilliseconds();
        var total = 0;
        string after = "";
        while (true)
        {
            List<(string Id, string ChannelKey, string Urn, string Direction)> rows;
            await using (var c = await db.OpenAsync(ct))
            {
                // Keyset paging on id (UUID v7, time ordered) so a long backlog is walked once.
                rows = (await c.QueryAsync<(string, string, string, string)>(
                    $"""
                    SELECT {db.Dialect.TopPrefix(Page.ToString())} id, channel_key, urn, direction FROM messages
                    WHERE ((direction = 'in' AND status = 'received') OR (direction = 'out' AND status = 'queued'))
                      AND updated_at <= @before AND id > @after
                    ORDER BY id {db.Dialect.LimitSuffix(Page.ToString())}
                    """, new { before, after })).ToList();
            }
            if (rows.Count == 0) return total;
            using (var scope = scopes.CreateScope())
            {
                var bus = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
                foreach (var (id, channelKey, urn, direction) in rows)
                {
                    if (direction == "in")
                        await bus.Publish(new InboundMessageReceived(Guid.Parse(id), channelKey, keys.Of(urn)), ct);
                    else
                        await bus.Publish(new SendOutboundMessage(Guid.Parse(id)), ct);
                }
            }
            // Stamp them, so a backlog that takes longer than StaleAfter to drain is re-issued once per
            // StaleAfter rather than at every sweep.
            await using (var c = await db.OpenAsync(ct))
            using (await db.WriteLockAsync(ct: ct))
            {
                foreach (var chunk in rows.Chunk(500))
                    await c.ExecuteAsync(
                        "UPDATE messages SET updated_at = @now WHERE id IN @ids AND status IN ('received', 'queued')",
                        new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), ids = chunk.Select(r => r.Id).ToArray() });
            }
            total += rows.Count;
            after = rows[^1].Id;
            if (rows.Count < Page) return total;
        }
    }
}
