using Gateway.App.Features.Messages;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Replies;

/// <summary>
/// <c>POST /api/conversations/{id}/replies</c>: an official answers; the reply goes back over the channel the
/// resident used. With an <c>Idempotency-Key</c> a retried request returns the first reply and sends nothing.
/// </summary>
public static class RepliesApi
{
    public const int MaxLength = 1600; // Twilio's Body limit; about 24 UCS-2 segments

    public sealed record ReplyRequest(string? Text);

    public static IEndpointRouteBuilder MapRepliesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/conversations/{id:guid}/replies", async (Guid id, ReplyRequest body, HttpContext http,
            InboxQueries queries, DbWriter writer, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            var text = body.Text is null ? "" : VietText.Normalize(body.Text);
            if (text.Length == 0) return Results.Problem(statusCode: 400, title: "Empty reply", detail: "Send JSON {\"text\": \"…\"} with some text.");
            if (text.Length > MaxLength) return Results.Problem(statusCode: 400, title: "Reply too long", detail: $"Replies are limited to {MaxLength} characters.");
            var key = http.Request.Headers["Idempotency-Key"].ToString();
            if (key.Length > 200) return Results.Problem(statusCode: 400, title: "Idempotency-Key too long", detail: "At most 200 characters.");

            var row = await queries.FindAsync(id);
            if (row is null || !official.CanAccess(row.CommuneCode, row.ProvinceCode))
            {
                if (row is not null) await audit.WriteAsync(official.Username, "conversation.reply", $"conversation:{id}", "denied");
                return Results.Problem(statusCode: 404, title: "No such conversation");
            }

            var result = await SendAsync(writer, row, text, official.Username, key.Length == 0 ? null : key);
            await audit.WriteAsync(official.Username, "conversation.reply", $"conversation:{id}", "ok", result.Entry is null ? $"repeat of {result.Id}" : $"message:{result.Id}");
            var messages = await queries.MessagesAsync(id);
            var message = messages.First(m => m.Id == result.Id.ToString()).ToDto();
            return result.Entry is null ? Results.Ok(message) : Results.Accepted($"/api/conversations/{id}", message);
        }).RequireAuthorization().WithTags("Replies");
        return app;
    }

    public static Task<(Guid Id, OutboxEntry? Entry)> SendAsync(DbWriter writer,
        ConversationRow conversation, string text, string author, string? idempotencyKey) =>
        writer.WriteAsync(async w =>
        {
            var result = await OutboundQueue.EnqueueAsync(w.Connection, w.Tx, w.Dialect, w.Now,
                new NewOutbound(conversation.ChannelKey, conversation.Urn, text, MessageKind.Reply, Guid.Parse(conversation.Id), author, idempotencyKey));
            if (result.Entry is null) return result;
            w.Publish(result.Entry);
            await Dapper.SqlMapper.ExecuteAsync(w.Connection, "UPDATE conversations SET last_message_at = @now, updated_at = @now WHERE id = @id",
                new { now = w.Now, id = conversation.Id }, w.Tx);
            return result;
        });
}
