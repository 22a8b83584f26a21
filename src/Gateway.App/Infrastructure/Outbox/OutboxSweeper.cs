using Dapper;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Infrastructure.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";
    /// <summary>How often rows left unpublished (crash, broker outage) are published again.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A row younger than this is probably still on its way through the fast path.</summary>
    public TimeSpan MinAge { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>An inbound message still unrouted (or a send still queued) this long is issued again.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan StaleSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>On start and then periodically, publishes outbox rows that the fast path did not.</summary>
public sealed class OutboxSweeper(Db db, OutboxPublisher publisher, IBusControl bus, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger)
    : PeriodicWork(time, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        if (first) await BusReadiness.WaitAsync(bus, ct);
        // At start every row is orphaned (the process that wrote it is gone), whatever its age.
        var swept = await SweepAsync(first ? TimeSpan.Zero : options.Value.MinAge, ct);
        if (swept > 0) Logger.LogInformation("Outbox sweeper published {Count} pending entries", swept);
    }

    public async Task<int> SweepAsync(TimeSpan minAge, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            List<OutboxEntry> entries;
            await using (var connection = await db.OpenAsync(ct))
            {
                var before = time.GetUtcNow().Add(-minAge).ToUnixTimeMilliseconds();
                var rows = await connection.QueryAsync<(string Id, string MessageType, string Payload)>(
                    $"SELECT {db.Dialect.TopPrefix("500")} id, message_type, payload FROM outbox WHERE created_at <= @before ORDER BY id {db.Dialect.LimitSuffix("500")}",
                    new { before });
                entries = rows.Select(r => OutboxEntry.Read(Guid.Parse(r.Id), r.MessageType, r.Payload)).ToList();
            }
            if (entries.Count == 0) return total;
            await publisher.PublishAndDeleteAsync(entries, ct);
            total += entries.Count;
            if (entries.Count < 500) return total;
        }
    }
}
