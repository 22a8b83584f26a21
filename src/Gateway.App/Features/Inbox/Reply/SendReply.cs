using Gateway.App.Features.Audit;
using Gateway.App.Features.Messages;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Inbox.Reply;

/// <summary>
/// An official answers a conversation: the text is normalized and checked, queued over the channel the resident
/// used (with the outbox row in the same transaction) and audited. With an idempotency key a repeat queues nothing
/// and returns the first reply.
/// </summary>
public sealed class SendReply(DbWriter writer, AuditLog audit)
{
    public const int MaxLength = 1600; // Twilio's Body limit; about 24 UCS-2 segments

    public abstract record Outcome
    {
        public sealed record Queued(Guid MessageId, bool Repeat) : Outcome;
        public sealed record Refused(string Title, string Detail, int Status = 400) : Outcome;
    }

    public static string Normalize(string? text) => text is null ? "" : VietText.Normalize(text);

    /// <summary>Why a text cannot be sent, or null.</summary>
    public static (string Title, string Detail)? Problem(string text) =>
        text.Length == 0 ? ("Empty reply", "Send some text.")
        : text.Length > MaxLength ? ("Reply too long", $"Replies are limited to {MaxLength} characters.")
        : null;

    public async Task<Outcome> SendAsync(ConversationRow conversation, string text, string author, string? idempotencyKey)
    {
        if (Problem(text) is { } problem) return new Outcome.Refused(problem.Title, problem.Detail);
        (Guid Id, Infrastructure.Outbox.OutboxEntry? Entry) result;
        try
        {
            result = await writer.WriteAsync(async w =>
        {
            var queued = await OutboundQueue.EnqueueAsync(w.Connection, w.Tx, w.Dialect, w.Now,
                new NewOutbound(conversation.ChannelKey, conversation.Urn, text, MessageKind.Reply, Guid.Parse(conversation.Id), author, idempotencyKey));
            if (queued.Entry is null) return queued;
            w.Publish(queued.Entry);
            await ConversationStore.TouchAsync(w.Connection, w.Tx, conversation.Id, w.Now);
            return queued;
        });
        }
        catch (IdempotencyKeyReusedException reused)
        {
            // A client reusing a key for a different text has a bug; sending nothing and saying so beats a silent success.
            await audit.WriteAsync(author, "conversation.reply", $"conversation:{conversation.Id}", "denied", $"Idempotency-Key reused (message {reused.ExistingMessageId})");
            return new Outcome.Refused("Idempotency-Key reused with another text", "Use a new key for a new reply.", StatusCodes.Status422UnprocessableEntity);
        }
        await audit.WriteAsync(author, "conversation.reply", $"conversation:{conversation.Id}", "ok",
            result.Entry is null ? $"repeat of {result.Id}" : $"message:{result.Id}");
        return new Outcome.Queued(result.Id, result.Entry is null);
    }
}
