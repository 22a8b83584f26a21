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
/// provider is called, with a lease naming this instance and how long the claim holds, so a redelivered command or a
/// second instance never sends it twice; a lease that runs out (the instance died mid-call) is settled by
/// <see cref="OutboundRetrySweeper"/>. A retryable failure schedules the next attempt in the table.
/// </summary>
public sealed class SendOutboundMessageConsumer(
    Db db, TimeProvider time, OutboundSender sender, GroupCommit results, GatewayInstance instance, IOptions<OutboundOptions> options,
    ILogger<SendOutboundMessageConsumer> logger) : IConsumer<Batch<SendOutboundMessage>>
{
    /// <summary>
    /// A batch is claimed in one transaction and sent concurrently; each result is recorded as it returns, grouped
    /// with whatever other results are waiting (one commit for many, which on SQLite was what capped sending).
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
                var now = time.NowMs();
                var claimed = await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_owner = @owner, lease_until = @until, updated_at = @now WHERE id = @id AND direction = 'out' AND status IN ('queued', 'retrying')",
                    new { now, owner = instance.Id, until = now + (long)options.Value.LeaseDuration.TotalMilliseconds, id }, tx);
                if (claimed == 0) continue; // sent, failed, or being sent by someone else
                rows.Add(await connection.QuerySingleAsync<OutboundRow>(
                    "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, attempts AS Attempts, correlation_id AS CorrelationId FROM messages WHERE id = @id", new { id }, tx));
            }
            await tx.CommitAsync(ct);
        }
        if (rows.Count == 0) return;
        await Task.WhenAll(rows.Select(row => SendAndRecordAsync(row, ct)));
    }

    private async Task SendAndRecordAsync(OutboundRow row, CancellationToken ct)
    {
        using var hop = Logging.Correlation.Enter(logger, row.CorrelationId, "send", row.Id); // the provider call's log lines carry the id
        var result = await sender.SendAsync(Guid.Parse(row.Id), row.ChannelKey, row.Urn, row.Text, row.Attempts, SendPriority.Conversation, ct);
        await results.WriteAsync((c, tx, now) => RecordAsync(c, tx, row, result, now));
    }

    /// <summary>Only while the row is still ours: a lease swept meanwhile left it to the sweep's verdict.</summary>
    private async Task RecordAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, OutboundRow row, SendResult result, long now)
    {
        Metrics.GatewayMetrics.SendRecorded(row.ChannelKey, result);
        using var scope = Logging.Correlation.Enter(logger, row.CorrelationId); // the record's log line too
        switch (result)
        {
            case SendResult.Sent sent:
                await connection.ExecuteAsync(
                    // A lease swept while the provider was slow to answer: the answer is better than the sweep's "unknown".
                    "UPDATE messages SET status = @Status, provider_message_id = @Pid, error_code = NULL, error_message = NULL, updated_at = @now WHERE id = @Id AND (status = 'sending' OR (status = 'unknown' AND error_code = 'interrupted')) AND lease_owner = @owner",
                    new { Status = sent.Status is DeliveryStatus.Queued or DeliveryStatus.Sending ? MessageStatus.Sent : sent.Status.ToString().ToLowerInvariant(), Pid = sent.ProviderMessageId, now, row.Id, owner = instance.Id }, tx);
                logger.LogInformation("Sent message {MessageId} via {Channel} to {To}", row.Id, row.ChannelKey, Urn.Parse(row.Urn).Masked);
                break;
            case SendResult.Failed failed when sender.MayRetry(failed, row.Attempts):
                var delay = sender.RetryDelay(row.Attempts, failed.RetryAfter);
                // A parked send was never the message's fault: it does not spend one of its attempts.
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'retrying', next_attempt_at = @next, error_code = @Code, error_message = @Message, attempts = attempts - @refund, updated_at = @now WHERE id = @Id AND status = 'sending' AND lease_owner = @owner",
                    new { next = now + (long)delay.TotalMilliseconds, failed.Code, Message = OutboundSender.Truncate(failed.Message), refund = OutboundSender.IsParked(failed) ? 1 : 0, now, row.Id, owner = instance.Id }, tx);
                logger.LogWarning("Send of {MessageId} via {Channel} failed ({Code}); attempt {Attempt}, retrying in {Delay}", row.Id, row.ChannelKey, failed.Code, row.Attempts, delay);
                break;
            case SendResult.Failed failed:
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'failed', error_code = @Code, error_message = @Message, updated_at = @now WHERE id = @Id AND status = 'sending' AND lease_owner = @owner",
                    new { failed.Code, Message = OutboundSender.Truncate(failed.Message), now, row.Id, owner = instance.Id }, tx);
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
