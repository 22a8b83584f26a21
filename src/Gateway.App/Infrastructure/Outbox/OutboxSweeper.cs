using Dapper;
using Gateway.App.Infrastructure.Database;
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
public sealed class OutboxSweeper(Db db, OutboxPublisher publisher, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // At start every row is orphaned (the process that wrote it is gone), whatever its age.
                var swept = await SweepAsync(first ? TimeSpan.Zero : options.Value.MinAge, stoppingToken);
                if (swept > 0) logger.LogInformation("Outbox sweeper published {Count} pending entries", swept);
                first = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Outbox sweep failed; retrying in {Interval}", options.Value.SweepInterval);
            }
            await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
        }
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
