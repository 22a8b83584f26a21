using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Thread;

/// <summary><c>GET /api/conversations/{id}</c>: the conversation with its messages, or 404 when it is not the official's.</summary>
public static class ReadConversationApi
{
    public static IEndpointRouteBuilder MapReadConversationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/conversations/{id:guid}", async (Guid id, HttpContext http, ConversationAccess access, ConversationStore store) =>
        {
            var (row, denied) = await access.ForApiAsync(id, Official.From(http.User)!, "conversation.read");
            if (row is null) return denied!;
            var messages = await store.MessagesAsync(id);
            return Results.Ok(row.ToDto(messages.Select(m => m.ToDto()).ToList()));
        }).RequireAuthorization().WithTags("Inbox");
        return app;
    }
}
