using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Reply;

/// <summary>
/// <c>POST /api/conversations/{id}/replies</c>: an official answers; the reply goes back over the channel the
/// resident used. With an <c>Idempotency-Key</c> a retried request returns the first reply and sends nothing.
/// </summary>
public static class ReplyApi
{
    public sealed record ReplyRequest(string? Text);

    public static IEndpointRouteBuilder MapReplyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/conversations/{id:guid}/replies", async (Guid id, ReplyRequest body, HttpContext http,
            ConversationAccess access, ConversationStore store, SendReply reply) =>
        {
            var official = Official.From(http.User)!;
            var text = SendReply.Normalize(body.Text);
            if (SendReply.Problem(text) is { } problem) return Results.Problem(statusCode: 400, title: problem.Title, detail: problem.Detail);
            var key = http.Request.Headers["Idempotency-Key"].ToString();
            if (key.Length > 200) return Results.Problem(statusCode: 400, title: "Idempotency-Key too long", detail: "At most 200 characters.");

            var (row, denied) = await access.ForApiAsync(id, official, "conversation.reply");
            if (row is null) return denied!;
            var outcome = await reply.SendAsync(row, text, official.Username, key.Length == 0 ? null : key);
            if (outcome is SendReply.Outcome.Refused refused) return Results.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail);
            var queued = (SendReply.Outcome.Queued)outcome;
            var message = (await store.MessagesAsync(id)).First(m => m.Id == queued.MessageId.ToString()).ToDto();
            return queued.Repeat ? Results.Ok(message) : Results.Accepted($"/api/conversations/{id}", message);
        }).RequireAuthorization().WithTags("Replies");
        return app;
    }
}
