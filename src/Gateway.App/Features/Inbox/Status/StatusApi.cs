using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Status;

/// <summary><c>POST /api/conversations/{id}/status</c> with <c>{"status": "open|pending|resolved"}</c>.</summary>
public static class StatusApi
{
    public sealed record StatusRequest(string? Status);

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/conversations/{id:guid}/status", async (Guid id, StatusRequest body, HttpContext http, ConversationAccess access, ChangeStatus change) =>
        {
            var official = Official.From(http.User)!;
            if (!ChangeStatus.IsStatus(body.Status))
                return Results.Problem(statusCode: 400, title: "Invalid status", detail: $"status must be one of: {string.Join(", ", ConversationStatus.All)}.");
            var (row, denied) = await access.ForApiAsync(id, official, "conversation.status", body.Status);
            if (row is null) return denied!;
            return await change.ChangeAsync(row, body.Status, official.Username) switch
            {
                ChangeStatus.Outcome.NewerOpenConversation => Results.Problem(statusCode: 409, title: "The resident has a newer open conversation", detail: "Reply there instead of reopening this one."),
                _ => Results.Ok(new { id, status = body.Status }),
            };
        }).RequireAuthorization().WithTags("Inbox");
        return app;
    }
}
