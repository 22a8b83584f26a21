using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Gateway.App.Features.Routing;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Channels;
using Gateway.Contracts;

namespace Gateway.App.Features.Webhooks;

public enum StoreOutcome { Stored, Duplicate }

/// <summary>
/// Persists inbound messages with grouped commits: every webhook waits for its row and outbox row to be
/// committed before it is answered, but concurrent webhooks share one transaction (one fsync), which is
/// what lifts ingest from ~2.7k/s (a commit each) to the HTTP ceiling.
/// </summary>
public sealed class InboundWriter(Db db, DbWriter writer, ILogger<InboundWriter> logger) : BackgroundService
{
    private const int MaxBatch = 1024;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16 * MaxBatch)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // back-pressure on the webhooks instead of unbounded memory
    });

    public async Task<StoreOutcome> StoreAsync(string channelKey, MessageReceived message, CancellationToken ct)
    {
        var pending = new Pending(channelKey, message, new TaskCompletionSource<StoreOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Features.Logging.Correlation.Current);
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _queue.Reader;
        DbConnection? connection = null;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var p)) batch.Add(p);
                try
                {
                    connection ??= await db.OpenAsync(stoppingToken);
                    await WriteBatchAsync(connection, batch, stoppingToken);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Group commit of {Count} inbound messages failed; retrying one by one", batch.Count);
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                    await WriteOneByOneAsync(batch, stoppingToken);
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
            // Anything still queued at shutdown was never acknowledged: the provider will retry it.
            while (reader.TryRead(out var p)) p.Done.TrySetCanceled();
        }
    }

    private async Task WriteOneByOneAsync(List<Pending> batch, CancellationToken ct)
    {
        foreach (var p in batch)
        {
            try
            {
                await using var connection = await db.OpenAsync(ct);
                await WriteBatchAsync(connection, [p], ct);
            }
            catch (Exception ex)
            {
                // The webhook answers 500 and the provider retries; nothing was acknowledged.
                p.Done.TrySetException(ex);
            }
        }
    }

    private async Task WriteBatchAsync(DbConnection connection, IReadOnlyList<Pending> batch, CancellationToken ct)
    {
        var insert = db.Dialect.InsertIgnore("messages",
            "id, direction, kind, channel_key, urn, provider_message_id, raw_text, text, attachments, status, attempts, correlation_id, created_at, updated_at",
            "@Id, 'in', 'resident', @ChannelKey, @Urn, @ProviderMessageId, @RawText, @Text, @Attachments, 'received', 0, @CorrelationId, @Now, @Now",
            "channel_key = @ChannelKey AND direction = 'in' AND provider_message_id = @ProviderMessageId");
        var outcomes = await writer.WriteAsync(connection, async w =>
        {
            var outcomes = new StoreOutcome[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var (channelKey, m, _, correlationId) = batch[i];
                var id = Guid.CreateVersion7();
                var rows = await connection.ExecuteAsync(insert, new
                {
                    Id = id,
                    ChannelKey = channelKey,
                    Urn = m.From.ToString(),
                    m.ProviderMessageId,
                    m.RawText,
                    m.Text,
                    Attachments = Attachments(m),
                    CorrelationId = correlationId,
                    w.Now,
                }, w.Tx);
                if (rows == 1)
                {
                    await w.PublishAsync(new InboundMessageReceived(id, channelKey, ResidentKey.Of(m.From.ToString())));
                    outcomes[i] = StoreOutcome.Stored;
                }
                else outcomes[i] = StoreOutcome.Duplicate;
            }
            return outcomes;
        }, urgent: true, ct);
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(outcomes[i]);
    }

    private static string? Attachments(MessageReceived m)
    {
        if (m.Attachments.Count == 0 && m.Location is null) return null;
        return JsonSerializer.Serialize(new { media = m.Attachments, location = m.Location });
    }

    private sealed record Pending(string ChannelKey, MessageReceived Message, TaskCompletionSource<StoreOutcome> Done, string? CorrelationId);
}
