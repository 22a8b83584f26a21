using System.Threading.Channels;
using Dapper;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Messaging;
using MassTransit;

namespace Gateway.App.Infrastructure.Outbox;

/// <summary>
/// Publishes outbox entries after their transaction commits, then deletes their rows. A failure (broker
/// down) leaves the rows in place for <see cref="OutboxSweeper"/>; consumers are idempotent, so a row
/// published twice (crash between publish and delete) does no harm.
/// </summary>
public sealed class OutboxPublisher(IServiceScopeFactory scopes, Db db, IBusControl bus, ILogger<OutboxPublisher> logger) : BackgroundService
{
    private readonly Channel<OutboxEntry> _committed = Channel.CreateUnbounded<OutboxEntry>(new() { SingleReader = true });

    /// <summary>Hands over entries whose transaction has committed. Never blocks the caller.</summary>
    public void Enqueue(OutboxEntry entry) => _committed.Writer.TryWrite(entry);

    public void Enqueue(IEnumerable<OutboxEntry> entries)
    {
        foreach (var e in entries) _committed.Writer.TryWrite(e);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<OutboxEntry>(512);
        var reader = _committed.Reader;
        await BusReadiness.WaitAsync(bus, stoppingToken);
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < 512 && reader.TryRead(out var e)) batch.Add(e);
            try
            {
                await PublishAndDeleteAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Left in the table; the sweeper retries them.
                logger.LogWarning(ex, "Publishing {Count} outbox entries failed; the sweeper will retry", batch.Count);
            }
        }
    }

    public async Task PublishAndDeleteAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        using (var scope = scopes.CreateScope())
        {
            var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            foreach (var entry in entries)
                await publisher.Publish(entry.Message, entry.Message.GetType(), ct);
        }
        await using var connection = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        foreach (var chunk in entries.Chunk(500))
            await connection.ExecuteAsync("DELETE FROM outbox WHERE id IN @Ids", new { Ids = chunk.Select(e => e.Id.ToString()).ToArray() });
    }
}
