using Gateway.App.Features.Inbox.Thread;
using Gateway.App.Features.Web;

namespace Gateway.App.Features.Inbox.Status;

/// <summary><c>POST /conversations/{id}/status</c>: the status buttons of the conversation page.</summary>
public static class StatusPage
{
    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        app.MapPost("/conversations/{id:guid}/status", async (Guid id, HttpContext http, ConversationAccess access, ChangeStatus change,
            [AsParameters] ConversationPage.Deps d) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return ConversationPage.SignInAgain(id);
            var (row, denied) = await access.ForPageAsync(id, page, "conversation.status");
            if (row is null) return denied!;
            if (!await WebPages.IsValidPostAsync(http))
                return await ConversationPage.RenderAsync(page, d, row, "", ConversationPage.NewKey(), "Biểu mẫu đã hết hạn. Vui lòng bấm lại.", null, StatusCodes.Status400BadRequest);
            return await change.ChangeAsync(row, http.Request.Form["status"].ToString(), page.Official.Username) switch
            {
                ChangeStatus.Outcome.UnknownStatus => await ConversationPage.RenderAsync(page, d, row, "", ConversationPage.NewKey(), "Trạng thái không hợp lệ.", null, StatusCodes.Status400BadRequest),
                ChangeStatus.Outcome.NewerOpenConversation => await ConversationPage.RenderAsync(page, d, row, "", ConversationPage.NewKey(),
                    "Người dân đã có hội thoại mới đang mở: hãy trả lời ở hội thoại đó thay vì mở lại hội thoại này.", null, StatusCodes.Status409Conflict),
                _ => WebPages.SeeOther($"/conversations/{id}"),
            };
        }).ExcludeFromDescription();
        return app;
    }
}
