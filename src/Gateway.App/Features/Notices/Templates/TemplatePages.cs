using Gateway.App.Features.Audit;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Web;
using Gateway.Channels.Text;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Notices.Templates;

/// <summary>
/// Templates for province officers: <c>/notices/templates</c> (each with its languages, states and stale marks) and
/// <c>/notices/templates/{key}</c> (every body with its SMS cost, a form to write or correct a translation, and the
/// approve button, refused to the translator). The same store and checks as <see cref="TemplatesApi"/>.
/// </summary>
public static class TemplatePages
{
    public static IEndpointRouteBuilder MapTemplatePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/notices/templates", async (HttpContext http, TemplateStore store) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return page.Render("Không được phép", H($"<p class=e>Chỉ cán bộ tỉnh quản lý mẫu thông báo.</p>"), 403);
            var list = await store.ListAsync(page.Official.ProvinceCode);
            var items = Join(list.Select(t => H($"""
                <li><a href="/notices/templates/{Q(t.Key)}"><b>{t.Title}</b> <span class=m>{t.Key} · {t.Category}</span><br>{Join(t.Translations.Select(Badge))}</a></li>
                """)));
            return page.Render("Mẫu thông báo", H($"""
                <p class=m><a href=/notices>← Thông báo</a></p><h1>Mẫu thông báo</h1>
                <p class=m>Chỉ gửi bản tiếng Việt và các bản dịch đã duyệt của bản tiếng Việt hiện hành; người khác nhận tiếng Việt.</p>
                <ul class=l id=templates>{items}</ul>
                """));
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapGet("/notices/templates/{key}", async (string key, string? done, HttpContext http, TemplateStore store) =>
        {
            var page = new WebPage(http);
            return await RenderAsync(page, store, key, done, null);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/notices/templates/{key}/{action}", async (string key, string action, HttpContext http, TemplateStore store, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login");
            if (!page.Official.IsProvince || action is not ("translate" or "approve")) return await RenderAsync(page, store, key, null, null);
            if (!await WebPages.IsValidPostAsync(http)) return await RenderAsync(page, store, key, null, "Biểu mẫu đã hết hạn. Vui lòng gửi lại.", 400);
            var template = await store.FindAsync(key);
            if (template is null || (template.ProvinceCode is not null && template.ProvinceCode != page.Official.ProvinceCode)) return await RenderAsync(page, store, key, null, null);
            var form = await http.Request.ReadFormAsync();
            var language = Languages.Default.Canonical(form["language"].ToString());
            if (language is null) return await RenderAsync(page, store, key, null, "Ngôn ngữ không có trong danh sách.", 400);
            if (action == "approve")
            {
                var change = await store.ApproveAsync(key, language, page.Official.Username);
                await audit.WriteAsync(page.Official.Username, "template.approve", $"template:{key}/{language}", change == TemplateChange.Done ? "ok" : change == TemplateChange.SameOfficer ? "denied" : "failed");
                return change == TemplateChange.Done
                    ? WebPages.SeeOther($"/notices/templates/{Q(key)}?done=approved")
                    : await RenderAsync(page, store, key, null, change switch
                    {
                        TemplateChange.SameOfficer => "Người dịch không tự duyệt được bản dịch của mình: cần một cán bộ khác.",
                        TemplateChange.Stale => "Bản tiếng Việt đã thay đổi sau bản dịch này: cần sửa bản dịch trước khi duyệt.",
                        _ => "Không duyệt được bản này.",
                    }, change == TemplateChange.SameOfficer ? 403 : 409);
            }
            var sms = VietText.Normalize(form["sms"].ToString());
            var zaloText = VietText.Normalize(form["zalo"].ToString());
            var zalo = zaloText.Length == 0 ? null : zaloText;
            if (sms.Length == 0) return await RenderAsync(page, store, key, null, "Cần nội dung SMS.", 400);
            if (TemplatesApi.Check(template, language, sms, zalo) is { } problem) return await RenderAsync(page, store, key, null, "Không lưu được: " + problem, 400);
            await store.PutTranslationAsync(key, language, sms, zalo, page.Official.Username);
            await audit.WriteAsync(page.Official.Username, language == Languages.Vietnamese ? "template.edit" : "template.translate", $"template:{key}/{language}", "ok");
            return WebPages.SeeOther($"/notices/templates/{Q(key)}?done=saved");
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static Raw Badge(TemplateTranslation t) =>
        H($"<span class=\"b {(t.Stale ? "failed" : t.State == TranslationState.Approved ? "resolved" : "pending")}\">{t.Language}: {(t.Stale ? "cũ" : t.State == TranslationState.Approved ? "đã duyệt" : "nháp")}</span> ");

    private static async Task<IResult> RenderAsync(WebPage page, TemplateStore store, string key, string? done, string? error, int status = 200)
    {
        var official = page.Official!;
        if (!official.IsProvince) return page.Render("Không được phép", H($"<p class=e>Chỉ cán bộ tỉnh quản lý mẫu thông báo.</p>"), 403);
        var t = await store.FindAsync(key);
        if (t is null || (t.ProvinceCode is not null && t.ProvinceCode != official.ProvinceCode))
            return page.Render("Không tìm thấy", H($"<p class=e>Không có mẫu này.</p>"), 404);
        var bodies = Join(t.Translations.Select(b =>
        {
            var sms = SmsEncoding.Analyze(b.Sms);
            var canApprove = b.Language != Languages.Vietnamese && b.State != TranslationState.Approved && !b.Stale && b.Translator != official.Username;
            var approve = canApprove
                ? H($"<form method=post action=\"/notices/templates/{Q(t.Key)}/approve\">{page.Csrf}<input type=hidden name=language value=\"{b.Language}\"><button>Duyệt bản {b.Language}</button></form>")
                : Raw.Empty;
            return H($"""
                <div class=c id="lang-{b.Language}"><h2>{Languages.Default.Find(b.Language)?.Name ?? b.Language} ({b.Language}) {Badge(b)}</h2>
                <p class=m>{(b.Language == Languages.Vietnamese ? $"phiên bản {t.VietnameseVersion}" : $"dịch từ phiên bản {b.SourceVersion} · người dịch {b.Translator ?? "-"} · người duyệt {b.Approver ?? "-"}")}</p>
                <p><b>SMS</b> <span class=m>({(sms.Encoding == SmsCharset.Gsm7 ? "GSM-7" : "UCS-2")}, {sms.Segments} tin)</span></p><p class=t>{b.Sms}</p>
                {(b.Zalo is null ? Raw.Empty : H($"<p><b>Zalo</b></p><p class=t>{b.Zalo}</p>"))}{approve}</div>
                """);
        }));
        var options = Join(Languages.Default.All.Select(l => H($"<option value=\"{l.Code}\">{l.Name} ({l.Code})</option>")));
        var variables = string.Join(", ", t.Variables.Select(v => "{" + v.Name + "} " + v.Type));
        return page.Render(t.Title, H($"""
            <p class=m><a href=/notices/templates>← Mẫu thông báo</a></p><h1>{t.Title}</h1>
            <p class=m>{t.Key} · {t.Category} · biến: {variables}</p>
            {(done is null ? Raw.Empty : H($"<p class=ok role=status>{(done == "approved" ? "Đã duyệt." : "Đã lưu (bản nháp, cần một cán bộ khác duyệt).")}</p>"))}{(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            {bodies}
            <form method=post action="/notices/templates/{Q(t.Key)}/translate" class=c id=translate>{page.Csrf}
            <h2>Viết hoặc sửa một bản</h2>
            <label for=language>Ngôn ngữ</label><select id=language name=language>{options}</select>
            <label for=sms>SMS (ngắn)</label><textarea id=sms name=sms rows=3 required></textarea>
            <label for=zalo>Zalo (dài hơn, không bắt buộc)</label><textarea id=zalo name=zalo rows=5></textarea>
            <p class=m>Sửa bản tiếng Việt làm mọi bản dịch thành “cũ” cho đến khi được sửa và duyệt lại. Người dịch không tự duyệt.</p>
            <button>Lưu</button></form>
            """), status);
    }
}
