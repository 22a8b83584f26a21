using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Sends one queued message through its channel. The row is claimed (queued/retrying → sending) before the
/// provider is called, so a redelivered command or a second instance never sends it twice. A retryable
/// failure schedules the next attempt in the table; the retry sweeper picks it up when due.
/// </summary>
public sealed class SendOutboundMessageConsumer(
    Db db, TimeProvider time, ChannelCatalog channels, IHttpClientFactory httpFactory,
    IOptions<OutboundOptions> options, IOptions<GatewayOptions> gateway, ILogger<SendOutboundMessageConsumer> logger) : IConsumer<SendOutboundMessage>
{
    public async Task Consume(ConsumeContext<SendOutboundMessage> context)
    {
        var ct = context.CancellationToken;
        var id = context.Message.MessageId.ToString();
        OutboundRow? row;
        await using (var connection = await db.OpenAsync(ct))
        {
            int claimed;
            using (await db.WriteLockAsync(ct: ct))
                claimed = await connection.ExecuteAsync(
                "UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = @Now WHERE id = @id AND direction = 'out' AND status IN ('queued', 'retrying')",
                new { Now = time.NowMs(), id });
            if (claimed == 0) return; // sent, failed, or being sent by someone else
            row = await connection.QuerySingleAsync<OutboundRow>(
                "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, attempts AS Attempts FROM messages WHERE id = @id", new { id });
        }

        var channel = channels.Find(row.ChannelKey);
        SendResult result;
        if (channel is null)
            result = new SendResult.Failed(false, "channel-missing", $"Channel '{row.ChannelKey}' is not configured");
        else
        {
            var callback = $"{gateway.Value.PublicBaseUrl.TrimEnd('/')}/webhooks/{channel.Key}/status";
            var message = new OutboundMessage(Guid.Parse(row.Id), Urn.Parse(row.Urn), row.Text, callback, row.Attempts);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.SendTimeout);
            try
            {
                result = await channel.Adapter.SendAsync(message, channel.Options, httpFactory.CreateClient("channels"), timeout.Token);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Timeouts and network errors: the provider may or may not have the message; retrying is the
                // lesser harm for a resident waiting on an answer.
                result = new SendResult.Failed(true, "transport", ex.GetType().Name);
            }
        }
        await RecordAsync(row, result);
    }

    private async Task RecordAsync(OutboundRow row, SendResult result)
    {
        var now = time.NowMs();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        using var writing = await db.WriteLockAsync();
        switch (result)
        {
            case SendResult.Sent sent:
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = @Status, provider_message_id = @Pid, error_code = NULL, error_message = NULL, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { Status = sent.Status is DeliveryStatus.Queued or DeliveryStatus.Sending ? "sent" : sent.Status.ToString().ToLowerInvariant(), Pid = sent.ProviderMessageId, now, row.Id });
                logger.LogInformation("Sent message {MessageId} via {Channel} to {To}", row.Id, row.ChannelKey, Urn.Parse(row.Urn).Masked);
                break;
            case SendResult.Failed failed when failed.Retryable && row.Attempts < options.Value.MaxAttempts:
                var delay = failed.RetryAfter ?? Backoff(row.Attempts);
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'retrying', next_attempt_at = @next, error_code = @Code, error_message = @Message, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { next = now + (long)delay.TotalMilliseconds, failed.Code, Message = Truncate(failed.Message), now, row.Id });
                logger.LogWarning("Send of {MessageId} via {Channel} failed ({Code}); attempt {Attempt}, retrying in {Delay}", row.Id, row.ChannelKey, failed.Code, row.Attempts, delay);
                break;
            case SendResult.Failed failed:
                await connection.ExecuteAsync(
                    "UPDATE messages SET status = 'failed', error_code = @Code, error_message = @Message, updated_at = @now WHERE id = @Id AND status = 'sending'",
                    new { failed.Code, Message = Truncate(failed.Message), now, row.Id });
                logger.LogWarning("Send of {MessageId} via {Channel} failed for good ({Code}) after {Attempt} attempts", row.Id, row.ChannelKey, failed.Code, row.Attempts);
                break;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var o = options.Value;
        var ms = Math.Min(o.MaxRetryDelay.TotalMilliseconds, o.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() / 2)); // full jitter would starve; half jitter spreads
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500];

    public sealed class OutboundRow
    {
        public string Id { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Text { get; init; } = "";
        public int Attempts { get; init; }
    }
}
