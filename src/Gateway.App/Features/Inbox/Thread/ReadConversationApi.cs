using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Thread;

/// <summary><c>GET /api/conversations/{id}</c>: the conversation with its messages, or 404 when it is not the official's.</summary>
public static class ReadConversationApi
{
    public static IEndpointRouteBuilder MapReadConversationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/conversations/{id:guid}", async (Guid id, HttpContext http, ConversationAccess access, ConversationStore store,
            ConversationEvents events, TimeProvider time) =>
        {
            var official = Official.From(http.User)!;
            var (row, denied) = await access.ForApiAsync(id, official, "conversation.read");
            if (row is null) return denied!;
            await store.MarkReadAsync(row.Id, official.Username);
            var messages = await store.MessagesAsync(id);
            var timeline = (await events.ListAsync(id)).Select(e => new EventDto(DateTimeOffset.FromUnixTimeMilliseconds(e.At), e.Actor, e.Kind, e.Detail)).ToList();
            return Results.Ok(row.ToDto(messages.Select(m => m.ToDto()).ToList(), time.GetUtcNow().ToUnixTimeMilliseconds(), timeline));
        }).RequireAuthorization().WithTags("Inbox");
        return app;
    }
}
