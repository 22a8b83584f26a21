using Gateway.App.Features.Audit;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Inbox.Canned;

/// <summary>
/// <c>/inbox/canned</c>: the official's canned replies (their commune's, or their province's for a province officer),
/// added, edited and removed with plain forms; offered on every conversation page of the commune.
/// </summary>
public static class CannedRepliesPage
{
    public static IEndpointRouteBuilder MapCannedRepliesPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox/canned", async (HttpContext http, CannedReplyStore store) =>
            await RenderAsync(new WebPage(http), store, null)).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/inbox/canned", async (HttpContext http, CannedReplyStore store, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=%2Finbox%2Fcanned");
            if (page.Official.IsAdmin) return WebPages.SeeOther("/admin/officials");
            if (!await WebPages.IsValidPostAsync(http)) return await RenderAsync(page, store, "Biểu mẫu đã hết hạn. Vui lòng thử lại.", StatusCodes.Status400BadRequest);
            var f = http.Request.Form;
            var (id, title, text) = (f["id"].ToString(), f["title"].ToString(), f["text"].ToString());
            if (f["do"] == "delete")
            {
                var deleted = await store.DeleteAsync(page.Official, id);
                await audit.WriteAsync(page.Official.Username, "canned.delete", $"canned:{id}", deleted ? "ok" : "denied");
                return deleted ? WebPages.SeeOther("/inbox/canned") : await RenderAsync(page, store, "Không tìm thấy mẫu này.", StatusCodes.Status404NotFound);
            }
            if (CannedReplyStore.Problem(title, text) is { } problem) return await RenderAsync(page, store, problem, StatusCodes.Status400BadRequest);
            if (string.IsNullOrEmpty(id))
            {
                var created = await store.CreateAsync(page.Official, title, text);
                await audit.WriteAsync(page.Official.Username, "canned.create", $"canned:{created.Id}", "ok");
                return WebPages.SeeOther("/inbox/canned");
            }
            var updated = await store.UpdateAsync(page.Official, id, title, text);
            await audit.WriteAsync(page.Official.Username, "canned.update", $"canned:{id}", updated ? "ok" : "denied");
            return updated ? WebPages.SeeOther("/inbox/canned") : await RenderAsync(page, store, "Không tìm thấy mẫu này.", StatusCodes.Status404NotFound);
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(WebPage page, CannedReplyStore store, string? error, int status = StatusCodes.Status200OK)
    {
        if (page.Official!.IsAdmin) return WebPages.SeeOther("/admin/officials"); // an admin has no inbox to answer from
        var own = await store.ListOwnAsync(page.Official!);
        Raw Form(string id, string title, string text, bool existing) => H($"""
            <form method=post action=/inbox/canned class=c>{page.Csrf}<input type=hidden name=id value="{id}">
            <label>Tiêu đề<input name=title class=w maxlength={CannedReplyStore.MaxTitle} value="{title}" required></label>
            <label>Nội dung<textarea name=text rows=3 maxlength={CannedReplyStore.MaxText} required>{text}</textarea></label>
            <button name=do value=save>{(existing ? "Lưu" : "Thêm mẫu")}</button>{(existing ? H($"<button name=do value=delete class=s>Xoá</button>") : Raw.Empty)}</form>
            """);
        var whose = page.Official!.IsProvince ? "của tỉnh (mọi xã trong tỉnh đều dùng được)" : "của xã";
        return page.Render("Mẫu trả lời", H($"""
            <p class=m><a href=/inbox>← Hộp thư</a></p><h1>Mẫu trả lời {whose}</h1>
            {(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            <div id=canned-list>{Join(own.Select(c => Form(c.Id, c.Title, c.Text, true)))}</div>
            <h2>Thêm mẫu mới</h2>{Form("", "", "", false)}
            """), status);
    }
}
