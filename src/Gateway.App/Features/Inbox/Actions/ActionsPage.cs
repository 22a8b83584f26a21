using Gateway.App.Features.Inbox.Thread;
using Gateway.App.Features.Web;

namespace Gateway.App.Features.Inbox.Actions;

/// <summary><c>POST /conversations/{id}/actions</c>: the action forms of the conversation page (no script needed).</summary>
public static class ActionsPage
{
    public static IEndpointRouteBuilder MapActionsPage(this IEndpointRouteBuilder app)
    {
        app.MapPost("/conversations/{id:guid}/actions", async (Guid id, HttpContext http, ConversationAccess access, ConversationActions actions,
            [AsParameters] ConversationPage.Deps d) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return ConversationPage.SignInAgain(id);
            var (row, denied) = await access.ForPageAsync(id, page, "conversation.action");
            if (row is null) return denied!;
            if (!await WebPages.IsValidPostAsync(http))
                return await ConversationPage.RenderAsync(page, d, row, "", ConversationPage.NewKey(), "Biểu mẫu đã hết hạn. Vui lòng bấm lại.", null, StatusCodes.Status400BadRequest);
            var f = http.Request.Form;
            var who = page.Official;
            var outcome = f["do"].ToString() switch
            {
                "assign" => await actions.AssignAsync(row, f["assignee"], who),
                "take" => await actions.AssignAsync(row, who.Username, who),
                "category" => await actions.SetCategoryAsync(row, f["category"], who),
                "note" => await actions.AddNoteAsync(row, f["note"], who),
                "transfer" => await actions.TransferAsync(row, f["commune"], f["note"], who),
                "escalate" => await actions.EscalateAsync(row, f["note"], who),
                "return" => await actions.ReturnAsync(row, f["instruction"], who),
                _ => ConversationActions.Outcome.Refused("Unknown action."),
            };
            if (outcome.Ok) return WebPages.SeeOther($"/conversations/{id}?done={Uri.EscapeDataString(f["do"].ToString())}");
            return await ConversationPage.RenderAsync(page, d, (await d.Store.FindAsync(id))!, "", ConversationPage.NewKey(), outcome.Problem, null, outcome.Status);
        }).ExcludeFromDescription();
        return app;
    }
}
