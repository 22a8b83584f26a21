using Gateway.App.Features.Audit;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Oversight;

/// <summary><c>/audit</c>: sign-ins, failed sign-ins, views, replies, notes, assignments, transfers, escalations, status and account changes.</summary>
public static class AuditPage
{
    private static readonly string[] Actions =
        ["auth.login", "conversation.read", "conversation.reply", "conversation.note", "conversation.assign", "conversation.transfer",
         "conversation.escalate", "conversation.return", "conversation.status", "conversation.category", "account", "broadcast", "template"];

    public static IEndpointRouteBuilder MapAuditPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit", async (string? official, string? action, string? commune, string? from, string? to, long? before,
            HttpContext http, AuditSearch search, AuditLog audit, TimeProvider time) =>
        {
            var page = new WebPage(http);
            var reader = page.Official!;
            if (!reader.IsProvince && reader.Role != "admin")
            {
                await audit.WriteAsync(reader.Username, "audit.page", null, "denied");
                return page.Render("Không có quyền", H($"<p class=e>Chỉ cán bộ cấp tỉnh và quản trị xem nhật ký. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
            }
            var period = Period.Parse(from, to, time.GetUtcNow());
            var entries = await search.SearchAsync(reader, official, action, commune, period, before);
            Raw Option(string value, bool selected) => H($"<option{(selected ? new Raw(" selected") : Raw.Empty)}>{value}</option>");
            var rows = Join(entries.Select(e => H($"<tr><td>{Time(e.At)}</td><td>{e.Actor}</td><td>{e.Action}</td><td>{e.Target ?? ""}</td><td>{e.Outcome}</td><td class=m>{e.Detail ?? ""}</td></tr>")));
            var more = entries.Count == AuditSearch.PageSize
                ? H($"<p><a href=\"/audit?official={Q(official)}&action={Q(action)}&commune={Q(commune)}&{period.Query}&before={entries[^1].Id}\">Cũ hơn →</a></p>")
                : Raw.Empty;
            return page.Render("Nhật ký", H($"""
                <h1>Nhật ký thao tác</h1>
                <form method=get action=/audit class=row>
                <input name=official value="{official ?? ""}" placeholder="Cán bộ (tên đăng nhập)" aria-label="Cán bộ">
                <select name=action aria-label="Thao tác"><option value="">Mọi thao tác</option>{Join(Actions.Select(a => Option(a, a == action)))}</select>
                <input name=commune value="{commune ?? ""}" placeholder="Mã xã" aria-label="Mã xã" size=6>
                <input type=date name=from value="{period.FromText}" aria-label="Từ ngày"><input type=date name=to value="{period.ToText}" aria-label="Đến ngày">
                <button class=s>Lọc</button></form>
                <table id=audit><tr><th>Lúc</th><th>Cán bộ</th><th>Thao tác</th><th>Đối tượng</th><th>Kết quả</th><th>Chi tiết</th></tr>{rows}</table>{more}
                """));
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
