using Gateway.App.Features.Messages;
using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Contracts;
using Gateway.App.Features.Outbound.Pacing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Sends one queued message through its channel. The row is claimed (queued/retrying → sending) before the
/// provider is called, so a redelivered command or a second instance never sends it twice. A retryable
/// failure schedules the next attempt in the table; the retry sweeper picks it up when due.
/// </summary>
public sealed class SendOutboundMessageConsumer(
    Db db, TimeProvider time, OutboundSender sender, ILogger<SendOutboundMessageConsumer> logger) : IConsumer<Batch<SendOutboundMessage>>
{
    /// <summary>
    /// A batch is claimed in one transaction, sent concurrently, and recorded in one transaction: two
    /// commits per batch instead of two per message, which on SQLite was what capped sending.
    /// </summary>
    public async Task Consume(ConsumeContext<Batch<SendOutboundMessage>> context)
    {
        var ct = context.CancellationToken;
        var ids = context.Message.Select(m => m.Message.MessageId.ToString()).Distinct().ToList();
        var rows = new List<OutboundRow>(ids.Count);
        await using (var connection = await db.OpenAsync(ct))
        using (await db.WriteLockAsync(ct: ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            foreach (var id in ids)
            {
                var claimed = await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = @Now WHERE id = @id AND direction = 'out' AND status IN ('queued', 'retrying')",
                    new { Now = time.NowMs(), id }, tx);
                if (claimed == 0) continue; // sent, failed, or being sent by someone else
                rows.Add(await connection.QuerySingleAsync<OutboundRow>(
                    "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, attempts AS Attempts, correlation_id AS CorrelationId FROM messages WHERE id = @id", new { id }, tx));
            }
            await tx.CommitAsync(ct);
        }
        if (rows.Count == 0) return;
        var results = await Task.WhenAll(rows.Select(row => SendOneAsync(row, ct)));
        await RecordAsync(rows, results);
    }

    private async Task<SendResult> SendOneAsync(OutboundRow row, CancellationToken ct)
    {
        using var hop = Logging.Correlation.Enter(logger, row.CorrelationId, "send", row.Id); // the provider call's log lines carry the id
        return await sender.SendAsync(Guid.Parse(row.Id), row.ChannelKey, row.Urn, row.Text, row.Attempts, SendPriority.Conversation, ct);
    }

    private async Task RecordAsync(IReadOnlyList<OutboundRow> rows, IReadOnlyList<SendResult> results)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        using var writing = await db.WriteLockAsync();
        await using var tx = await connection.BeginTransactionAsync();
        for (var i = 0; i < rows.Count; i++)
            using (Logging.Correlation.Enter(logger, rows[i].CorrelationId))
                await RecordAsync(connection, tx, rows[i], results[i]);
        await tx.CommitAsync();
    }

    private async Task RecordAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, OutboundRow row, SendResult result)
    {
        var now = time.NowMs();
        Metrics.GatewayMetrics.SendRecorded(row.ChannelKey, result);
        switch (result)
        {
            case SendResult.Sent sent:
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = @Status, provider_message_id = @Pid, error_code = NULL, error_message = NULL, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { Status = sent.Status is DeliveryStatus.Queued or DeliveryStatus.Sending ? MessageStatus.Sent : sent.Status.ToString().ToLowerInvariant(), Pid = sent.ProviderMessageId, now, row.Id }, tx);
                logger.LogInformation("Sent message {MessageId} via {Channel} to {To}", row.Id, row.ChannelKey, Urn.Parse(row.Urn).Masked);
                break;
            case SendResult.Failed failed when sender.MayRetry(failed, row.Attempts):
                var delay = sender.RetryDelay(row.Attempts, failed.RetryAfter);
                // A parked send was never the message's fault: it does not spend one of its attempts.
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'retrying', next_attempt_at = @next, error_code = @Code, error_message = @Message, attempts = attempts - @refund, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { next = now + (long)delay.TotalMilliseconds, failed.Code, Message = OutboundSender.Truncate(failed.Message), refund = OutboundSender.IsParked(failed) ? 1 : 0, now, row.Id }, tx);
                logger.LogWarning("Send of {MessageId} via {Channel} failed ({Code}); attempt {Attempt}, retrying in {Delay}", row.Id, row.ChannelKey, failed.Code, row.Attempts, delay);
                break;
            case SendResult.Failed failed:
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'failed', error_code = @Code, error_message = @Message, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { failed.Code, Message = OutboundSender.Truncate(failed.Message), now, row.Id }, tx);
                logger.LogWarning("Send of {MessageId} via {Channel} failed for good ({Code}) after {Attempt} attempts", row.Id, row.ChannelKey, failed.Code, row.Attempts);
                break;
        }
    }

    public sealed class OutboundRow
    {
        public string Id { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Text { get; init; } = "";
        public int Attempts { get; init; }
        public string? CorrelationId { get; init; }
    }
}
