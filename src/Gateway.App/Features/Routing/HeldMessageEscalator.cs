using Dapper;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Messages whose sender never named a commune are not dropped: after <see cref="RoutingOptions.HoldTimeout"/>
/// they go to the province triage inbox, where a province officer can answer or forward them.
/// </summary>
public sealed class HeldMessageEscalator(Db db, TimeProvider time, IOptions<RoutingOptions> options, OutboxPublisher outbox, ILogger<HeldMessageEscalator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var moved = await EscalateAsync(stoppingToken);
                if (moved > 0) logger.LogInformation("{Count} held messages moved to the province triage inbox", moved);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Escalating held messages failed");
            }
            await Task.Delay(options.Value.EscalationInterval, time, stoppingToken);
        }
    }

    public async Task<int> EscalateAsync(CancellationToken ct)
    {
        var now = time.NowMs();
        var cutoff = now - (long)options.Value.HoldTimeout.TotalMilliseconds;
        var toPublish = new List<OutboxEntry>();
        var moved = 0;
        await using var c = await db.OpenAsync(ct);
        var held = (await c.QueryAsync<RouteInboundMessageConsumer.InboundRow>(
            "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, status AS Status FROM messages WHERE direction = 'in' AND status = 'held' AND created_at <= @cutoff ORDER BY created_at",
            new { cutoff })).ToList();
        foreach (var group in held.GroupBy(m => m.Urn))
        {
            using var writing = await db.WriteLockAsync(ct: ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            // Read again inside the transaction: the resident's answer may have released some since the scan.
            var stillHeld = (await c.QueryAsync<string>(
                "SELECT id FROM messages WHERE urn = @urn AND direction = 'in' AND status = 'held' AND created_at <= @cutoff ORDER BY created_at",
                new { urn = group.Key, cutoff }, tx)).Select(Guid.Parse).ToList();
            if (stillHeld.Count == 0) continue;
            var resident = await ResidentStore.GetOrCreateAsync(c, tx, group.Key, now);
            var step = new RouteInboundMessageConsumer.RoutingStep(c, tx, db.Dialect, now, group.First(), toPublish);
            await RouteInboundMessageConsumer.DeliverHeldToTriageAsync(step, resident, options.Value.TriageProvince, stillHeld);
            await tx.CommitAsync(ct);
            moved += stillHeld.Count;
        }
        outbox.Enqueue(toPublish);
        return moved;
    }
}
