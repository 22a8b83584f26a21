using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;

namespace Gateway.App.Features.Outbound;

/// <param name="Kind">reply | ack | prompt | notice.</param>
/// <param name="IdempotencyKey">A repeated key (per conversation) with the same text returns the first message and sends
/// nothing; with another text it is refused (<see cref="IdempotencyKeyReusedException"/>).</param>
public sealed record NewOutbound(string ChannelKey, string Urn, string Text, string Kind,
    Guid? ConversationId = null, string? Author = null, string? IdempotencyKey = null);

/// <summary>
/// The one way into the outbound path (replies, acknowledgements, prompts and notices alike): a queued
/// message row and its send command, written in the caller's transaction.
/// </summary>
public static class OutboundQueue
{
    /// <returns>The message id, and the outbox entry to publish after commit (null when the idempotency key was seen).</returns>
    /// <exception cref="IdempotencyKeyReusedException">The key was used before for another text: the caller answers 422
    /// (the transaction is the caller's to roll back; nothing was written).</exception>
    public static async Task<(Guid Id, OutboxEntry? Entry)> EnqueueAsync(
        DbConnection connection, DbTransaction tx, SqlDialect dialect, long now, NewOutbound m)
    {
        var id = Guid.CreateVersion7();
        var insert = dialect.InsertIgnore("messages",
            "id, direction, kind, channel_key, urn, conversation_id, text, status, attempts, author, idempotency_key, correlation_id, created_at, updated_at",
            "@Id, 'out', @Kind, @ChannelKey, @Urn, @ConversationId, @Text, 'queued', 0, @Author, @IdempotencyKey, @CorrelationId, @Now, @Now",
            "conversation_id = @ConversationId AND idempotency_key = @IdempotencyKey");
        var rows = await connection.ExecuteAsync(insert, new
        {
            Id = id, m.Kind, m.ChannelKey, m.Urn, ConversationId = m.ConversationId?.ToString(), m.Text, m.Author, m.IdempotencyKey, CorrelationId = Features.Logging.Correlation.Current, Now = now,
        }, tx);
        if (rows == 0)
        {
            var existing = await connection.QuerySingleAsync<(string Id, string Text)>(
                "SELECT id, text FROM messages WHERE conversation_id = @ConversationId AND idempotency_key = @IdempotencyKey",
                new { ConversationId = m.ConversationId?.ToString(), m.IdempotencyKey }, tx);
            // A retry repeats its request exactly; another text under the same key is a client bug, not a retry.
            if (!string.Equals(existing.Text, m.Text, StringComparison.Ordinal))
                throw new IdempotencyKeyReusedException(Guid.Parse(existing.Id));
            return (Guid.Parse(existing.Id), null);
        }
        var entry = OutboxEntry.For(new SendOutboundMessage(id));
        await entry.WriteAsync(connection, tx, now);
        return (id, entry);
    }
}

/// <summary>
/// An <c>Idempotency-Key</c> already used in this conversation for a different text. Thrown rather than returned so
/// that no caller can mistake it for a repeat of the first send; callers answer 422 Unprocessable Content.
/// </summary>
public sealed class IdempotencyKeyReusedException(Guid existingMessageId)
    : InvalidOperationException($"The Idempotency-Key was already used for another text (message {existingMessageId}).")
{
    public Guid ExistingMessageId { get; } = existingMessageId;
}
