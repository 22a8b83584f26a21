using Gateway.App.Features.Inbox.Thread;
using Gateway.App.Features.Web;

namespace Gateway.App.Features.Inbox.Reply;

/// <summary><c>POST /conversations/{id}/reply</c>: the reply form (send, or only count the SMS segments).</summary>
public static class ReplyPage
{
    public static IEndpointRouteBuilder MapReplyPage(this IEndpointRouteBuilder app)
    {
        app.MapPost("/conversations/{id:guid}/reply", async (Guid id, HttpContext http, ConversationAccess access, SendReply reply,
            [AsParameters] ConversationPage.Deps d) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return ConversationPage.SignInAgain(id);
            var (row, denied) = await access.ForPageAsync(id, page, "conversation.reply");
            if (row is null) return denied!;
            var valid = await WebPages.IsValidPostAsync(http);
            var form = valid ? http.Request.Form : null;
            var text = SendReply.Normalize(form?["text"].ToString());
            var key = form?["k"].ToString() is { Length: > 0 and <= 100 } k ? k : ConversationPage.NewKey();
            if (!valid)
                return await ConversationPage.RenderAsync(page, d, row, text, key, "Biểu mẫu đã hết hạn. Kiểm tra lại rồi bấm Gửi lần nữa.", null, StatusCodes.Status400BadRequest);
            if (form!["do"] == "preview")
                return await ConversationPage.RenderAsync(page, d, row, text, key, null, null);
            if (form["do"] == "unaccent")
                return await ConversationPage.RenderAsync(page, d, row, Gateway.Channels.Text.SmsEncoding.Unaccented(text), key, null, "Đã bỏ dấu: kiểm tra rồi bấm Gửi.");
            if (text.Length == 0)
                return await ConversationPage.RenderAsync(page, d, row, text, key, "Nội dung trả lời đang trống.", null, StatusCodes.Status400BadRequest);
            if (text.Length > SendReply.MaxLength)
                return await ConversationPage.RenderAsync(page, d, row, text, key, $"Trả lời dài quá {SendReply.MaxLength} ký tự.", null, StatusCodes.Status400BadRequest);

            if (await reply.SendAsync(row, text, page.Official.Username, key) is SendReply.Outcome.Refused refused)
                return await ConversationPage.RenderAsync(page, d, row, text, ConversationPage.NewKey(),
                    refused.Status == StatusCodes.Status422UnprocessableEntity ? "Biểu mẫu này đã được gửi với nội dung khác. Kiểm tra rồi bấm Gửi lại." : refused.Detail,
                    null, refused.Status);
            return WebPages.SeeOther($"/conversations/{id}?sent=1#last");
        }).ExcludeFromDescription();
        return app;
    }
}
