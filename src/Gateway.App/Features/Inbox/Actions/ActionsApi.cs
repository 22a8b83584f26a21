using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Actions;

/// <summary>
/// <c>POST /api/conversations/{id}/{assign|take|category|notes|transfer|escalate|return}</c>: the help desk's
/// actions, each 404 for someone else's conversation, 400/409 naming the problem, audited.
/// </summary>
public static class ActionsApi
{
    public sealed record ActionRequest(string? Assignee, string? Category, string? Text, string? CommuneCode, string? Note, string? Instruction);

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/conversations/{id:guid}").RequireAuthorization().WithTags("Inbox");
        Map(api, "assign", (a, row, r, who) => a.AssignAsync(row, r.Assignee, who));
        Map(api, "take", (a, row, _, who) => a.AssignAsync(row, who.Username, who));
        Map(api, "category", (a, row, r, who) => a.SetCategoryAsync(row, r.Category, who));
        Map(api, "notes", (a, row, r, who) => a.AddNoteAsync(row, r.Text, who));
        Map(api, "transfer", (a, row, r, who) => a.TransferAsync(row, r.CommuneCode, r.Note, who));
        Map(api, "escalate", (a, row, r, who) => a.EscalateAsync(row, r.Note, who));
        Map(api, "return", (a, row, r, who) => a.ReturnAsync(row, r.Instruction, who));
        return app;
    }

    private static void Map(RouteGroupBuilder api, string action,
        Func<ConversationActions, ConversationRow, ActionRequest, Official, Task<ConversationActions.Outcome>> run)
    {
        api.MapPost("/" + action, async (Guid id, HttpContext http, ConversationAccess access, ConversationActions actions) =>
        {
            var body = http.Request.HasJsonContentType()
                ? await http.Request.ReadFromJsonAsync<ActionRequest>() ?? new ActionRequest(null, null, null, null, null, null)
                : new ActionRequest(null, null, null, null, null, null);
            var official = Official.From(http.User)!;
            var (row, denied) = await access.ForApiAsync(id, official, "conversation." + action);
            if (row is null) return denied!;
            var outcome = await run(actions, row, body, official);
            return outcome.Ok ? Results.Ok(new { id, action }) : Results.Problem(statusCode: outcome.Status, title: $"Cannot {action}", detail: outcome.Problem);
        });
    }
}
