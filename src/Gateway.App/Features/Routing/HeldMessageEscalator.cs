using Dapper;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Messages whose sender never named a commune are not dropped: after <see cref="RoutingOptions.HoldTimeout"/>
/// they go to the province triage inbox, where a province officer can answer or forward them.
/// </summary>
public sealed class HeldMessageEscalator(Db db, DbWriter writer, Inbox.ConversationStore conversations, TimeProvider time, IOptions<RoutingOptions> options, ILogger<HeldMessageEscalator> logger)
    : PeriodicWork(time, logger)
{
    protected override TimeSpan Interval => options.Value.EscalationInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        var moved = await EscalateAsync(ct);
        if (moved > 0) Logger.LogInformation("{Count} held messages moved to the province triage inbox", moved);
    }

    public async Task<int> EscalateAsync(CancellationToken ct)
    {
        var now = time.NowMs();
        var cutoff = now - (long)options.Value.HoldTimeout.TotalMilliseconds;
        var moved = 0;
        List<RouteInboundMessageConsumer.InboundRow> held;
        await using (var c = await db.OpenAsync(ct))
            held = (await c.QueryAsync<RouteInboundMessageConsumer.InboundRow>(
                "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, status AS Status FROM messages WHERE direction = 'in' AND status = 'held' AND created_at <= @cutoff ORDER BY created_at",
                new { cutoff })).ToList();
        foreach (var group in held.GroupBy(m => m.Urn))
        {
            moved += await writer.WriteAsync(async w =>
            {
                // Read again inside the transaction: the resident's answer may have released some since the scan.
                var stillHeld = (await w.Connection.QueryAsync<string>(
                    "SELECT id FROM messages WHERE urn = @urn AND direction = 'in' AND status = 'held' AND created_at <= @cutoff ORDER BY created_at",
                    new { urn = group.Key, cutoff }, w.Tx)).Select(Guid.Parse).ToList();
                if (stillHeld.Count == 0) return 0;
                var resident = await ResidentStore.GetOrCreateAsync(w.Connection, w.Tx, group.Key, w.Now);
                var step = new RouteInboundMessageConsumer.RoutingStep(w, group.First(), conversations);
                await RouteInboundMessageConsumer.DeliverHeldToTriageAsync(step, resident, options.Value.TriageProvince, stillHeld);
                return stillHeld.Count;
            }, ct: ct);
        }
        return moved;
    }
}
